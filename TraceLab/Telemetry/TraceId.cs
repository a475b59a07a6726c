using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>A W3C trace id: 16 bytes, kept as two numbers so it is cheap to hash and compare.</summary>
public readonly record struct TraceId(ulong High, ulong Low)
{
    public bool IsEmpty => High == 0 && Low == 0;

    public static TraceId FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[16];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>Parses 32 hex digits (either case); anything else is not a trace id.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out TraceId traceId)
    {
        traceId = default;
        if (hex is not { Length: 32 } ||
            !ulong.TryParse(hex.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var high) ||
            !ulong.TryParse(hex.AsSpan(16, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var low))
        {
            return false;
        }

        traceId = new TraceId(high, low);
        return true;
    }

    public override string ToString() => $"{High:x16}{Low:x16}";
}

/// <summary>Span ids are 8 bytes; 0 means "none" (OTLP sends an empty parent id for a root).</summary>
public static class SpanId
{
    public static ulong FromBytes(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64BigEndian(bytes);

    public static byte[] ToBytes(ulong spanId)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, spanId);
        return bytes;
    }

    public static string ToHex(ulong spanId) => spanId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse([NotNullWhen(true)] string? hex, out ulong spanId)
    {
        spanId = 0;
        return hex is { Length: 16 } &&
            ulong.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, null, out spanId) &&
            spanId != 0;
    }
}
