namespace DistributedTracing.TraceLab.Api;

/// <summary>The project's own API answers bad requests with RFC 9457 problem details.</summary>
public static class ApiProblems
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult InvalidTraceId(string? traceId) =>
        BadRequest($"'{traceId}' is not a trace id: expected 32 hex digits.");

    public static IResult TraceNotFound(string traceId) =>
        NotFound($"No trace {traceId} is in the Trace Lab (it may never have arrived, or it was evicted by TraceLab:TelemetryLimits:MaxTraceCount).");
}
