using System.Globalization;
using DistributedTracing.TraceLab.Telemetry;
using Microsoft.AspNetCore.Mvc;

namespace DistributedTracing.TraceLab.Api.Jaeger;

/// <summary>
/// Jaeger's query API under <c>/jaeger/api</c>, so tools that read Jaeger (Grafana's Jaeger data source,
/// Jaeger's own scripts) can read this Trace Lab. Errors use Jaeger's envelope.
/// </summary>
public static class JaegerApi
{
    private const int DefaultLimit = 100;

    public static RouteGroupBuilder MapJaegerApi(this RouteGroupBuilder jaeger)
    {
        jaeger.MapGet("/services", Services);
        jaeger.MapGet("/services/{service}/operations", ServiceOperations);
        jaeger.MapGet("/operations", Operations);
        jaeger.MapGet("/traces", FindTraces);
        jaeger.MapGet("/traces/{traceId}", GetTrace);
        return jaeger;
    }

    public static IResult Error(int code, string message) =>
        TypedResults.Json(JaegerResponse.Error(code, message), JaegerConverter.JsonOptions, statusCode: code);

    private static IResult Ok<T>(T data, int total) => TypedResults.Json(JaegerResponse.Of(data, total), JaegerConverter.JsonOptions);

    private static IResult Services(TelemetryStore store)
    {
        var services = store.ReadTraces(traces => traces
            .SelectMany(t => t.Services.Select(s => s.ServiceName))
            .ToHashSet())
            .Order(StringComparer.Ordinal)
            .ToList();
        return Ok(services, services.Count);
    }

    private static IResult ServiceOperations(TelemetryStore store, string service)
    {
        var names = CollectOperations(store, service, kind: null).Select(o => o.Name).Distinct().ToList();
        return Ok(names, names.Count);
    }

    private static IResult Operations(TelemetryStore store, string? service, string? spanKind)
    {
        if (string.IsNullOrEmpty(service))
        {
            return Error(400, "parameter 'service' is required");
        }

        var operations = CollectOperations(store, service, string.IsNullOrEmpty(spanKind) ? null : spanKind);
        return Ok(operations, operations.Count);
    }

    private static List<JaegerOperation> CollectOperations(TelemetryStore store, string service, string? kind) =>
        store.ReadTraces(traces => traces
            .Where(t => t.Services.Any(s => s.ServiceName == service))
            .SelectMany(t => t.Spans)
            .Where(s => s.ServiceName == service)
            .Select(s => new JaegerOperation(s.Name, TraceMapper.KindName(s.Kind)))
            .Where(o => kind is null || o.SpanKind == kind)
            .ToHashSet())
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .ThenBy(o => o.SpanKind, StringComparer.Ordinal)
            .ToList();

    private static IResult FindTraces(
        TelemetryStore store,
        string? service,
        string? operation,
        string? tags,
        [FromQuery(Name = "tag")] string[]? tag,
        string? start,
        string? end,
        string? minDuration,
        string? maxDuration,
        string? limit,
        string? lookback)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (tags is not null)
        {
            if (!JaegerTagParser.TryParse(tags, out var parsed, out var tagError))
            {
                return Error(400, tagError!);
            }

            pairs.AddRange(parsed);
        }

        foreach (var single in tag ?? [])
        {
            var colon = single.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return Error(400, $"tag '{single}' must be key:value");
            }

            pairs.Add(KeyValuePair.Create(single[..colon], single[(colon + 1)..]));
        }

        long? startNano = null, endNano = null, minNano = null, maxNano = null;
        if (start is not null)
        {
            if (!long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            {
                return Error(400, $"start '{start}' is not a time in microseconds since 1970");
            }

            startNano = micros * 1000;
        }

        if (end is not null)
        {
            if (!long.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            {
                return Error(400, $"end '{end}' is not a time in microseconds since 1970");
            }

            endNano = micros * 1000;
        }

        if (startNano is null && lookback is not null && lookback != "custom")
        {
            if (!TryParseLookback(lookback, out var lookbackNano))
            {
                return Error(400, $"lookback '{lookback}' is not a duration like 1h or 2d");
            }

            startNano = (endNano ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000) - lookbackNano;
        }

        if (minDuration is not null)
        {
            if (!DurationParser.TryParseNanoseconds(minDuration, false, out var nano))
            {
                return Error(400, $"minDuration '{minDuration}' is not a duration like 1.5ms or 2s");
            }

            minNano = nano;
        }

        if (maxDuration is not null)
        {
            if (!DurationParser.TryParseNanoseconds(maxDuration, false, out var nano))
            {
                return Error(400, $"maxDuration '{maxDuration}' is not a duration like 1.5ms or 2s");
            }

            maxNano = nano;
        }

        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1))
        {
            return Error(400, $"limit '{limit}' is not a positive number");
        }

        var filter = new TraceFilter
        {
            Service = string.IsNullOrEmpty(service) ? null : service,
            Operation = string.IsNullOrEmpty(operation) ? null : operation,
            Attributes = pairs,
            StartFromUnixNano = startNano,
            StartToUnixNano = endNano,
            MinDurationNano = minNano,
            MaxDurationNano = maxNano,
        };

        var traces = store.ReadTraces(all => all
            .Where(filter.Matches)
            .OrderByDescending(t => t.StartUnixNano)
            .Take(take)
            .Select(t => t.Snapshot())
            .ToList());
        var data = traces.Select(JaegerConverter.ToJaeger).ToList();
        return Ok(data, data.Count);
    }

    private static IResult GetTrace(TelemetryStore store, string traceId)
    {
        // Jaeger accepts ids without leading zeros; pad them back to 32 digits.
        if (traceId.Length is > 0 and < 32 && traceId.All(Uri.IsHexDigit))
        {
            traceId = traceId.PadLeft(32, '0');
        }

        if (!TraceId.TryParse(traceId, out var id))
        {
            return Error(400, $"'{traceId}' is not a trace id: expected up to 32 hex digits");
        }

        return store.GetTrace(id) is { } trace
            ? Ok(new[] { JaegerConverter.ToJaeger(trace) }, 1)
            : Error(404, "trace not found");
    }

    private static bool TryParseLookback(string lookback, out long nanoseconds)
    {
        if (lookback.EndsWith('d') && int.TryParse(lookback[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            nanoseconds = days * 24L * 3600 * 1_000_000_000;
            return true;
        }

        return DurationParser.TryParseNanoseconds(lookback, false, out nanoseconds);
    }
}
