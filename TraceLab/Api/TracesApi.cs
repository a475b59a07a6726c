using DistributedTracing.TraceLab.Formats.Jaeger;
using DistributedTracing.TraceLab.Formats.OtlpJson;
using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api;

/// <summary>The traces list, one trace with its tree and hops, and a trace as an OTLP JSON file.</summary>
public static class TracesApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapTracesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/traces", ListTraces);
        api.MapGet("/traces/matches", MatchingTraceIds);
        api.MapGet("/traces/{traceId}", GetTrace);
        api.MapGet("/traces/{traceId}/download", DownloadTrace);
        return api;
    }

    private static IResult ListTraces(
        TelemetryStore store,
        [AsParameters] TraceFilterQuery query,
        string? sort,
        string? order,
        int? offset,
        int? limit)
    {
        if (!query.TryCreateFilter(out var filter, out var problem))
        {
            return problem;
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

    /// <summary>Trace ids matching the list's filters, newest first: what the UI needs to filter the list it holds.</summary>
    private static IResult MatchingTraceIds(
        TelemetryStore store,
        [AsParameters] TraceFilterQuery query)
    {
        if (!query.TryCreateFilter(out var filter, out var problem))
        {
            return problem;
        }

        var ids = store.ReadTraces(traces => traces.Where(filter.Matches).OrderByDescending(t => t.StartUnixNano).Select(t => t.TraceId.ToString()).ToList());
        return TypedResults.Ok(new TraceIdListDto(ids.Count, ids));
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
            : System.Text.Json.JsonSerializer.Serialize(JaegerResponse.Of(new[] { JaegerConverter.ToJaeger(trace) }, 1), JaegerConverter.JsonOptions);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", $"trace-{traceId}.{format}.json");
    }
}
