using DistributedTracing.TraceLab.Formats.Jaeger;
using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api.Jaeger;

/// <summary>
/// Jaeger's query API under <c>/jaeger/api</c>, so tools that read Jaeger (Grafana's Jaeger data source,
/// Jaeger's own scripts) can read this Trace Lab. Errors use Jaeger's envelope.
/// </summary>
public static class JaegerApi
{
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
            .Select(s => new JaegerOperation(s.Name, SpanKindNames.Of(s.Kind)))
            .Where(o => kind is null || o.SpanKind == kind)
            .ToHashSet())
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .ThenBy(o => o.SpanKind, StringComparer.Ordinal)
            .ToList();

    private static IResult FindTraces(TelemetryStore store, [AsParameters] JaegerTraceQuery query)
    {
        if (!query.TryCreateFilter(out var filter, out var limit, out var error))
        {
            return Error(400, error);
        }

        var traces = store.ReadTraces(all => all
            .Where(filter.Matches)
            .OrderByDescending(t => t.StartUnixNano)
            .Take(limit)
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
}
