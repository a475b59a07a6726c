using System.Buffers.Binary;
using System.Text;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// A span's attributes packed into one byte array: per attribute a key id, a type byte and the value
/// (UTF-8 for strings). About a third of the memory of an array of key/value objects, which is what
/// keeps the Trace Lab near 1 KB per retained span. Arrays, maps and bytes (rare) stay objects on the side.
/// </summary>
public readonly struct CompactAttributes
{
    private const byte StringType = 1, BoolType = 2, LongType = 3, DoubleType = 4, ObjectType = 5;

    private readonly byte[]? _data;
    private readonly object?[]? _objects;

    private CompactAttributes(byte[] data, object?[]? objects, int count)
    {
        _data = data;
        _objects = objects;
        Count = count;
    }

    public static CompactAttributes Empty => default;

    public int Count { get; }

    /// <summary>The bytes these attributes keep alive: the packed array and any values kept as objects.</summary>
    public long EstimatedBytes => _data is null ? 0 :
        TelemetrySize.ObjectHeader + 8 + _data.Length + (_objects is null ? 0 : TelemetrySize.OfArray(_objects));

    internal const byte StringTag = StringType, BoolTag = BoolType, LongTag = LongType, DoubleTag = DoubleType, ObjectTag = ObjectType;

    internal static CompactAttributes Create(byte[] data, object?[]? objects, int count) => new(data, objects, count);

    public static CompactAttributes From(IReadOnlyList<TelemetryAttribute> attributes, AttributeKeyTable? keys = null)
    {
        if (attributes.Count == 0)
        {
            return default;
        }

        var writer = CompactAttributesWriter.Rent(keys);
        foreach (var attribute in attributes)
        {
            writer.AddKey(attribute.Key);
            writer.AddValue(attribute.Value);
        }

        return writer.Build();
    }

    /// <summary>Decodes every attribute (allocates: for the API, not for hot loops).</summary>
    public TelemetryAttribute[] ToArray(AttributeKeyTable? keys = null)
    {
        if (Count == 0)
        {
            return [];
        }

        var result = new TelemetryAttribute[Count];
        var reader = new Reader(_data!, keys ?? AttributeKeyTable.Shared);
        for (var i = 0; i < Count; i++)
        {
            var key = reader.ReadKey();
            result[i] = new TelemetryAttribute(key, reader.ReadValue(_objects));
        }

        return result;
    }

    /// <summary>The value of <paramref name="key"/> as text, or null. Compares key ids, not strings.</summary>
    public string? Find(string key, AttributeKeyTable? keys = null)
    {
        if (Count == 0)
        {
            return null;
        }

        keys ??= AttributeKeyTable.Shared;
        var wanted = keys.FindId(key);
        var reader = new Reader(_data!, keys);
        for (var i = 0; i < Count; i++)
        {
            var (id, inlineKey) = reader.ReadKeyId();
            var matches = id != 0 ? id == wanted : inlineKey == key;
            if (matches)
            {
                return TelemetryAttribute.FormatValue(reader.ReadValue(_objects));
            }

            reader.SkipValue();
        }

        return null;
    }

    /// <summary>Whether any value contains <paramref name="text"/>, ignoring case.</summary>
    public bool AnyValueContains(string text) => AnyValueContains(new TextQuery(text));

    /// <summary>Whether any value contains the query's text, ignoring case.</summary>
    /// <remarks>
    /// The traces list's text filter runs this over every span of every trace, so string values are
    /// searched in their UTF-8 bytes without being decoded when the text is ASCII.
    /// </remarks>
    public bool AnyValueContains(TextQuery query)
    {
        if (Count == 0)
        {
            return false;
        }

        var reader = new Reader(_data!, AttributeKeyTable.Shared);
        for (var i = 0; i < Count; i++)
        {
            reader.ReadKeyId();
            if (query.AsciiBytes is { } ascii && reader.TryReadUtf8Value(out var utf8))
            {
                if (Utf8Text.ContainsIgnoreAsciiCase(utf8, ascii))
                {
                    return true;
                }
            }
            else if (TelemetryAttribute.FormatValue(reader.ReadValue(_objects)).Contains(query.Text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private ref struct Reader(byte[] data, AttributeKeyTable keys)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public (int Id, string? InlineKey) ReadKeyId()
        {
            var id = (int)ReadVarint();
            return id == 0 ? (0, ReadString()) : (id, null);
        }

        public string ReadKey()
        {
            var (id, inline) = ReadKeyId();
            return inline ?? keys.GetKey(id);
        }

        public object? ReadValue(object?[]? objects)
        {
            var type = _data[_position++];
            switch (type)
            {
                case StringType:
                    return ReadString();
                case BoolType:
                    return _data[_position++] != 0;
                case LongType:
                    var l = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
                    _position += 8;
                    return l;
                case DoubleType:
                    var d = BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]);
                    _position += 8;
                    return d;
                default:
                    return objects![(int)ReadVarint()];
            }
        }

        /// <summary>A string value's UTF-8 bytes, consumed; other types are left for <see cref="ReadValue"/>.</summary>
        public bool TryReadUtf8Value(out ReadOnlySpan<byte> utf8)
        {
            if (_data[_position] != StringType)
            {
                utf8 = default;
                return false;
            }

            _position++;
            var length = (int)ReadVarint();
            utf8 = _data.Slice(_position, length);
            _position += length;
            return true;
        }

        public void SkipValue()
        {
            var type = _data[_position++];
            switch (type)
            {
                case StringType:
                    var length = (int)ReadVarint(); // read first: "_position += ReadVarint()" would lose the varint's own bytes
                    _position += length;
                    break;
                case BoolType:
                    _position++;
                    break;
                case LongType or DoubleType:
                    _position += 8;
                    break;
                default:
                    ReadVarint();
                    break;
            }
        }

        private string ReadString()
        {
            var length = (int)ReadVarint();
            var value = Encoding.UTF8.GetString(_data.Slice(_position, length));
            _position += length;
            return value;
        }

        private uint ReadVarint()
        {
            uint value = 0;
            var shift = 0;
            byte b;
            do
            {
                b = _data[_position++];
                value |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            return value;
        }
    }
}
