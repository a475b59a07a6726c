using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using DistributedTracing.TraceLab.Formats.Jaeger;
using DistributedTracing.TraceLab.Traces;
using Microsoft.AspNetCore.Mvc;

namespace DistributedTracing.TraceLab.Api.Jaeger;

/// <summary>
/// The search parameters of Jaeger's <c>GET /api/traces</c>, each range-checked before it is used:
/// <c>start</c> and <c>end</c> in microseconds since 1970 up to what nanoseconds in a long hold (the
/// year 2262), <c>lookback</c> a duration or whole days within the same span, <c>limit</c> at most
/// <see cref="MaxLimit"/> traces.
/// </summary>
public sealed record JaegerTraceQuery(
    string? Service,
    string? Operation,
    string? Tags,
    [FromQuery(Name = "tag")] string[]? Tag,
    string? Start,
    string? End,
    string? MinDuration,
    string? MaxDuration,
    string? Limit,
    string? Lookback)
{
    public const int DefaultLimit = 100;

    /// <summary>Jaeger UI's own ceiling for a search; every trace is answered whole, so the ceiling bounds the answer.</summary>
    public const int MaxLimit = 1_500;

    private const long MaxMicros = long.MaxValue / 1_000;
    private const long NanosPerDay = 24L * 3600 * 1_000_000_000;

    public bool TryCreateFilter([NotNullWhen(true)] out TraceFilter? filter, out int limit, [NotNullWhen(false)] out string? error)
    {
        filter = null;
        limit = DefaultLimit;
        var pairs = new List<KeyValuePair<string, string>>();
        if (Tags is not null && !JaegerTagParser.TryParse(Tags, out pairs, out error))
        {
            return false;
        }

        foreach (var single in Tag ?? [])
        {
            var colon = single.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"tag '{single}' must be key:value";
                return false;
            }

            pairs.Add(KeyValuePair.Create(single[..colon], single[(colon + 1)..]));
        }

        if (!TryParseTime("start", Start, out var startNano, out error) ||
            !TryParseTime("end", End, out var endNano, out error) ||
            !TryParseDuration("minDuration", MinDuration, out var minNano, out error) ||
            !TryParseDuration("maxDuration", MaxDuration, out var maxNano, out error) ||
            !TryParseLimit(out limit, out error))
        {
            return false;
        }

        if (startNano is null && Lookback is not null && Lookback != "custom")
        {
            if (!TryParseLookback(Lookback, out var lookbackNano, out error))
            {
                return false;
            }

            // Both terms are within 0..long.MaxValue, so the difference cannot overflow; a start before 1970 means "from the first".
            startNano = (endNano ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000) - lookbackNano;
        }

        filter = new TraceFilter
        {
            Service = string.IsNullOrEmpty(Service) ? null : Service,
            Operation = string.IsNullOrEmpty(Operation) ? null : Operation,
            Attributes = pairs,
            StartFromUnixNano = startNano,
            StartToUnixNano = endNano,
            MinDurationNano = minNano,
            MaxDurationNano = maxNano,
        };
        return true;
    }

    private static bool TryParseTime(string name, string? text, out long? unixNano, [NotNullWhen(false)] out string? error)
    {
        unixNano = null;
        error = null;
        if (text is null)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros > MaxMicros)
        {
            error = $"{name} '{text}' is not a time in microseconds since 1970 (0 to {MaxMicros}, the year 2262)";
            return false;
        }

        unixNano = micros * 1_000;
        return true;
    }

    private static bool TryParseDuration(string name, string? text, out long? nanoseconds, [NotNullWhen(false)] out string? error)
    {
        nanoseconds = null;
        error = null;
        if (text is null)
        {
            return true;
        }

        if (!DurationParser.TryParseNanoseconds(text, false, out var parsed))
        {
            error = $"{name} '{text}' is not a duration like 1.5ms or 2s (at most about 292 years)";
            return false;
        }

        nanoseconds = parsed;
        return true;
    }

    private bool TryParseLimit(out int limit, [NotNullWhen(false)] out string? error)
    {
        limit = DefaultLimit;
        error = null;
        if (Limit is not null && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            error = $"limit '{Limit}' is not a number of traces from 1 to {MaxLimit}";
            return false;
        }

        return true;
    }

    private static bool TryParseLookback(string lookback, out long nanoseconds, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (lookback.EndsWith('d') && long.TryParse(lookback[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) &&
            days <= long.MaxValue / NanosPerDay)
        {
            nanoseconds = days * NanosPerDay;
            return true;
        }

        if (DurationParser.TryParseNanoseconds(lookback, false, out nanoseconds))
        {
            return true;
        }

        error = $"lookback '{lookback}' is not a duration like 1h or 2d (at most {long.MaxValue / NanosPerDay} days)";
        return false;
    }
}
