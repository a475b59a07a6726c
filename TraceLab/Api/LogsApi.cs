using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api;

public sealed record LogEntryDto(
    long Sequence,
    double TimeUnixMs,
    int SeverityNumber,
    string? SeverityText,
    string Level,
    string Body,
    string Service,
    string ResourceId,
    string Scope,
    string? TraceId,
    string? SpanId,
    string? EventName,
    IReadOnlyList<AttributeDto> Attributes);

public sealed record LogListDto(int Total, int Offset, int Limit, IReadOnlyList<LogEntryDto> Items);

/// <summary>Structured logs by trace, span, service, level (and above) and text; newest first.</summary>
public static class LogsApi
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapLogsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/logs", ListLogs);
        return api;
    }

    private static IResult ListLogs(
        TelemetryStore store, string? traceId, string? spanId, string? service, string? level, string? text, long? after, int? offset, int? limit)
    {
        TraceId? trace = null;
        if (!string.IsNullOrEmpty(traceId))
        {
            if (!TraceId.TryParse(traceId, out var parsed))
            {
                return ApiProblems.InvalidTraceId(traceId);
            }

            trace = parsed;
        }

        var span = 0UL;
        if (!string.IsNullOrEmpty(spanId) && !SpanId.TryParse(spanId, out span))
        {
            return ApiProblems.BadRequest($"'{spanId}' is not a span id: expected 16 hex digits.");
        }

        int? minimumSeverity = null;
        if (!string.IsNullOrEmpty(level))
        {
            minimumSeverity = LogLevels.MinimumSeverity(level);
            if (minimumSeverity is null)
            {
                return ApiProblems.BadRequest($"level '{level}' is not one of {string.Join(", ", LogLevels.All)}.");
            }
        }

        if (offset < 0 || limit is < 1 or > MaxLimit)
        {
            return ApiProblems.BadRequest($"offset must be 0 or more and limit between 1 and {MaxLimit}.");
        }

        var matches = store.QueryLogs(log =>
            (trace is null || log.TraceId == trace) &&
            (span == 0 || log.SpanId == span) &&
            (string.IsNullOrEmpty(service) || log.Resource.ServiceName == service) &&
            (minimumSeverity is null || log.SeverityNumber >= minimumSeverity) &&
            (after is null || log.Sequence > after) &&
            (string.IsNullOrEmpty(text) || log.Body.Contains(text, StringComparison.OrdinalIgnoreCase) ||
                log.Attributes.Any(a => a.ValueAsString.Contains(text, StringComparison.OrdinalIgnoreCase))));

        var skip = offset ?? 0;
        var take = limit ?? DefaultLimit;
        var page = Enumerable.Range(0, matches.Count).Select(i => matches[matches.Count - 1 - i]).Skip(skip).Take(take).Select(ToDto).ToList();
        return TypedResults.Ok(new LogListDto(matches.Count, skip, take, page));
    }

    public static LogEntryDto ToDto(LogEntry log) => new(
        log.Sequence,
        TelemetryTime.ToUnixMs(log.TimeUnixNano),
        log.SeverityNumber,
        log.SeverityText,
        log.Level,
        log.Body,
        log.Resource.ServiceName,
        log.Resource.Id,
        log.Scope.Name,
        log.TraceId?.ToString(),
        log.SpanId == 0 ? null : SpanId.ToHex(log.SpanId),
        log.EventName,
        TraceMapper.ToAttributes(log.Attributes));
}
