using DistributedTracing.Dashboard.Otlp;
using DistributedTracing.Dashboard.Telemetry;
using Microsoft.AspNetCore.Mvc;

namespace DistributedTracing.Dashboard.Api;

/// <summary>The traces list, one trace with its tree and hops, and a trace as an OTLP JSON file.</summary>
public static class TracesApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapTracesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/traces", ListTraces);
        api.MapGet("/traces/{traceId}", GetTrace);
        api.MapGet("/traces/{traceId}/download", DownloadTrace);
        return api;
    }

    private static IResult ListTraces(
        TelemetryStore store,
        string? service,
        string? text,
        string? minDuration,
        string? maxDuration,
        bool? errorsOnly,
        [FromQuery(Name = "attribute")] string[]? attributes,
        string? sort,
        string? order,
        int? offset,
        int? limit)
    {
        var minNano = 0L;
        var maxNano = 0L;
        if (minDuration is not null && !DurationParser.TryParseNanoseconds(minDuration, true, out minNano))
        {
            return ApiProblems.BadRequest($"minDuration '{minDuration}' is not a duration: give milliseconds (12.5) or a unit (1.5ms, 2s).");
        }

        if (maxDuration is not null && !DurationParser.TryParseNanoseconds(maxDuration, true, out maxNano))
        {
            return ApiProblems.BadRequest($"maxDuration '{maxDuration}' is not a duration: give milliseconds (12.5) or a unit (1.5ms, 2s).");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var attribute in attributes ?? [])
        {
            var equals = attribute.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return ApiProblems.BadRequest($"attribute '{attribute}' must be key=value.");
            }

            pairs.Add(KeyValuePair.Create(attribute[..equals], attribute[(equals + 1)..]));
        }

        sort ??= "time";
        if (sort is not ("time" or "duration" or "spans"))
        {
            return ApiProblems.BadRequest($"sort '{sort}' is not one of time, duration, spans.");
        }

        order ??= "desc";
        if (order is not ("asc" or "desc"))
        {
            return ApiProblems.BadRequest($"order '{order}' is not asc or desc.");
        }

        if (offset < 0 || limit is < 1 or > MaxLimit)
        {
            return ApiProblems.BadRequest($"offset must be 0 or more and limit between 1 and {MaxLimit}.");
        }

        var filter = new TraceFilter
        {
            Service = NullIfEmpty(service),
            Text = NullIfEmpty(text),
            MinDurationNano = minDuration is null ? null : minNano,
            MaxDurationNano = maxDuration is null ? null : maxNano,
            ErrorsOnly = errorsOnly ?? false,
            Attributes = pairs,
        };

        var matches = store.ReadTraces(traces => traces.Where(filter.Matches).Select(TraceMapper.ToSummary).ToList());
        Func<TraceSummaryDto, double> key = sort switch
        {
            "duration" => t => t.DurationMs,
            "spans" => t => t.SpanCount,
            _ => t => t.StartUnixMs,
        };
        var sorted = order == "asc" ? matches.OrderBy(key) : matches.OrderByDescending(key);
        var skip = offset ?? 0;
        var take = limit ?? DefaultLimit;
        return TypedResults.Ok(new TraceListDto(matches.Count, skip, take, [.. sorted.Skip(skip).Take(take)]));
    }

    private static IResult GetTrace(TelemetryStore store, string traceId)
    {
        if (!TraceId.TryParse(traceId, out var id))
        {
            return ApiProblems.InvalidTraceId(traceId);
        }

        return store.GetTrace(id) is { } trace ? TypedResults.Ok(TraceMapper.ToDetail(trace)) : ApiProblems.TraceNotFound(traceId);
    }

    private static IResult DownloadTrace(TelemetryStore store, string traceId, string? format)
    {
        if (!TraceId.TryParse(traceId, out var id))
        {
            return ApiProblems.InvalidTraceId(traceId);
        }

        format ??= "otlp";
        if (format is not ("otlp" or "jaeger"))
        {
            return ApiProblems.BadRequest($"format '{format}' is not otlp or jaeger.");
        }

        if (store.GetTrace(id) is not { } trace)
        {
            return ApiProblems.TraceNotFound(traceId);
        }

        var json = format == "otlp"
            ? OtlpJson.Format(OtlpTraceExport.ToRequest(trace))
            : System.Text.Json.JsonSerializer.Serialize(Jaeger.JaegerResponse.Of(new[] { Jaeger.JaegerConverter.ToJaeger(trace) }, 1), Jaeger.JaegerConverter.JsonOptions);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", $"trace-{traceId}.{format}.json");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
