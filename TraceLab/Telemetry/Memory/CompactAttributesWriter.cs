using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// Builds <see cref="CompactAttributes"/> one attribute at a time, straight from UTF-8 wire bytes when
/// decoding OTLP. One writer per thread is reused, so building costs only the final array.
/// </summary>
public sealed class CompactAttributesWriter
{
    [ThreadStatic]
    private static CompactAttributesWriter? _current;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly List<object?> _objects = [];
    private AttributeKeyTable _keys = AttributeKeyTable.Shared;

    public int Count { get; private set; }

    /// <summary>This thread's writer, emptied.</summary>
    public static CompactAttributesWriter Rent(AttributeKeyTable? keys = null)
    {
        var writer = _current ??= new CompactAttributesWriter();
        writer._buffer.ResetWrittenCount();
        writer._objects.Clear();
        writer.Count = 0;
        writer._keys = keys ?? AttributeKeyTable.Shared;
        return writer;
    }

    public void AddKey(string key)
    {
        var id = _keys.GetId(key);
        WriteVarint((uint)id);
        if (id == 0)
        {
            WriteUtf8(key);
        }

        Count++;
    }

    public void AddKey(ReadOnlySpan<byte> utf8Key)
    {
        var id = _keys.GetId(utf8Key);
        WriteVarint((uint)id);
        if (id == 0)
        {
            WriteBytes(utf8Key);
        }

        Count++;
    }

    public void AddString(ReadOnlySpan<byte> utf8)
    {
        WriteByte(CompactAttributes.StringTag);
        WriteBytes(utf8);
    }

    public void AddValue(object? value)
    {
        switch (value)
        {
            case string s:
                WriteByte(CompactAttributes.StringTag);
                WriteUtf8(s);
                break;
            case bool b:
                AddBool(b);
                break;
            case long l:
                AddLong(l);
                break;
            case double d:
                AddDouble(d);
                break;
            default:
                WriteByte(CompactAttributes.ObjectTag);
                WriteVarint((uint)_objects.Count);
                _objects.Add(value);
                break;
        }
    }

    public void AddBool(bool value)
    {
        WriteByte(CompactAttributes.BoolTag);
        WriteByte(value ? (byte)1 : (byte)0);
    }

    public void AddLong(long value)
    {
        WriteByte(CompactAttributes.LongTag);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void AddDouble(double value)
    {
        WriteByte(CompactAttributes.DoubleTag);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public CompactAttributes Build() => Count == 0
        ? default
        : CompactAttributes.Create(_buffer.WrittenSpan.ToArray(), _objects.Count == 0 ? null : [.. _objects], Count);

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteUtf8(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((uint)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((uint)bytes.Length);
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    private void WriteVarint(uint value)
    {
        var span = _buffer.GetSpan(5);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
