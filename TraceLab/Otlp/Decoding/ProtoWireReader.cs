namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>
/// Reads the protobuf wire format (varints, fixed numbers, length-delimited fields) straight from a span,
/// allocating nothing. Used for the hot path only, OTLP spans; everything else goes through Google.Protobuf.
/// </summary>
internal ref struct ProtoWireReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = (int)(tag >> 3);
        if (field <= 0 || tag > uint.MaxValue)
        {
            throw new OtlpFormatException($"invalid field tag {tag}");
        }

        return (field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new OtlpFormatException("the message ends inside a varint");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new OtlpFormatException("a varint is longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public uint ReadFixed32()
    {
        var bytes = Take(4);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new OtlpFormatException($"a field claims {length} bytes but only {_data.Length - _position} remain");
        }

        return Take((int)length);
    }

    /// <summary>Reads a field of the wire type the schema expects, or fails with the field's number.</summary>
    public void Expect(int field, int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw new OtlpFormatException($"field {field} has wire type {wireType}, expected {expected}");
        }
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadLengthDelimited(); break;
            case Fixed32: Take(4); break;
            default: throw new OtlpFormatException($"wire type {wireType} is not supported");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new OtlpFormatException("the message ends inside a field");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}

/// <summary>The bytes are not a valid protobuf message of the expected type.</summary>
public sealed class OtlpFormatException(string message) : Exception(message);
