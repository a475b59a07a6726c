using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>The checks that decide whether a span, log or link is stored or rejected.</summary>
public static class OtlpValidation
{
    // Timestamps outside this window are almost certainly a unit mistake (seconds or milliseconds sent
    // as nanoseconds) or garbage; storing them would stretch every time axis into uselessness.
    private static readonly long EarliestUnixNano = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromDays(1);
    private const long MaxSpanDurationNano = 7L * 24 * 3600 * 1_000_000_000;

    public static bool TryReadTraceId(ByteString bytes, out TraceId traceId, out string? error)
    {
        traceId = default;
        if (bytes.Length != 16)
        {
            error = $"trace id must be 16 bytes, got {bytes.Length}";
            return false;
        }

        traceId = TraceId.FromBytes(bytes.Span);
        error = traceId.IsEmpty ? "trace id must not be all zeroes" : null;
        return error is null;
    }

    public static bool TryReadSpanId(ByteString bytes, bool optional, out ulong spanId, out string? error)
    {
        spanId = 0;
        error = null;
        if (optional && bytes.Length == 0)
        {
            return true;
        }

        if (bytes.Length != 8)
        {
            error = $"span id must be 8 bytes, got {bytes.Length}";
            return false;
        }

        spanId = SpanId.FromBytes(bytes.Span);
        if (spanId == 0 && !optional)
        {
            error = "span id must not be all zeroes";
            return false;
        }

        return true;
    }

    public static string? CheckTimestamp(ulong unixNano, string what)
    {
        var latest = DateTimeOffset.UtcNow.Add(AllowedClockSkew).ToUnixTimeMilliseconds() * 1_000_000;
        return unixNano < (ulong)EarliestUnixNano || unixNano > (ulong)latest
            ? $"{what} {unixNano} ns is not a plausible time (expected nanoseconds since 1970, after 2000 and before tomorrow)"
            : null;
    }

    public static string? CheckSpanTimes(ulong start, ulong end) =>
        CheckTimestamp(start, "start time") ??
        (end < start ? "end time is before start time" : null) ??
        (end - start > MaxSpanDurationNano ? "span lasts longer than 7 days" : null);
}
