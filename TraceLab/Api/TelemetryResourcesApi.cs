using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api;

public sealed record TelemetryResourceDto(string Id, string ServiceName, string? InstanceId, DateTimeOffset FirstSeen, IReadOnlyList<AttributeDto> Attributes);

public sealed record MetricInstrumentDto(
    string Name, string? Description, string? Unit, string Type, bool IsMonotonic, string? Temporality, ScopeDto Scope, int PointCount);

public sealed record MetricPointDto(
    double StartUnixMs,
    double TimeUnixMs,
    IReadOnlyList<AttributeDto> Attributes,
    double? Value,
    ulong? Count,
    double? Sum,
    double? Min,
    double? Max,
    ulong[]? BucketCounts,
    double[]? ExplicitBounds,
    IReadOnlyList<double[]>? Quantiles,
    IReadOnlyList<ExemplarDto>? Exemplars);

public sealed record ExemplarDto(double TimeUnixMs, double Value, string? TraceId, string? SpanId);

/// <summary>The processes that sent telemetry (OpenTelemetry resources) and their metrics.</summary>
public static class TelemetryResourcesApi
{
    public static RouteGroupBuilder MapTelemetryResourcesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/telemetry-resources", (TelemetryStore store) =>
            TypedResults.Ok(store.Resources.Select(r => new TelemetryResourceDto(r.Id, r.ServiceName, r.InstanceId, r.FirstSeen, TraceMapper.ToAttributes(r.Attributes))).ToList()));

        api.MapGet("/metrics", ListInstruments);
        api.MapGet("/metrics/points", ListPoints);
        return api;
    }

    private static IResult ListInstruments(TelemetryStore store, string? resource)
    {
        if (FindResource(store, resource, out var found) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(store.GetMetrics(found!).Select(m => ToDto(m.Instrument)).ToList());
    }

    private static IResult ListPoints(TelemetryStore store, string? resource, string? name)
    {
        if (FindResource(store, resource, out var found) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(name))
        {
            return ApiProblems.BadRequest("name (the instrument's name) is required.");
        }

        var instruments = store.GetMetrics(found!, name);
        if (instruments.Count == 0)
        {
            return ApiProblems.NotFound($"Resource '{resource}' has no instrument '{name}'.");
        }

        return TypedResults.Ok(instruments.Select(m => new
        {
            Instrument = ToDto(m.Instrument),
            Points = m.Points.Select(ToDto).ToList(),
        }).ToList());
    }

    private static IResult? FindResource(TelemetryStore store, string? id, out TelemetryResource? resource)
    {
        resource = null;
        if (string.IsNullOrEmpty(id))
        {
            return ApiProblems.BadRequest("resource (a telemetry resource id from /api/telemetry-resources) is required.");
        }

        resource = store.Resources.FirstOrDefault(r => r.Id == id);
        return resource is null ? ApiProblems.NotFound($"No telemetry resource '{id}' has sent data.") : null;
    }

    private static MetricInstrumentDto ToDto(MetricInstrument i) => new(
        i.Name, i.Description, i.Unit, i.Type.ToString(), i.IsMonotonic, i.Temporality,
        new ScopeDto(i.Scope.Name, i.Scope.Version.Length == 0 ? null : i.Scope.Version), i.PointCount);

    private static MetricPointDto ToDto(MetricPoint p) => new(
        TelemetryTime.ToUnixMs(p.StartUnixNano),
        TelemetryTime.ToUnixMs(p.TimeUnixNano),
        TraceMapper.ToAttributes(p.Attributes),
        p.Value, p.Count, p.Sum, p.Min, p.Max, p.BucketCounts, p.ExplicitBounds,
        p.Quantiles?.Select(q => new[] { q.Key, q.Value }).ToList(),
        p.Exemplars?.Select(e => new ExemplarDto(TelemetryTime.ToUnixMs(e.TimeUnixNano), e.Value, e.TraceId?.ToString(), e.SpanId == 0 ? null : SpanId.ToHex(e.SpanId))).ToList());
}
