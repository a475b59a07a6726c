using System.Text.Json.Serialization;

namespace DistributedTracing.TraceLab.Formats.Jaeger;

// Jaeger's query API JSON (what its UI and Grafana's Jaeger data source read). Times and durations are
// microseconds. The format has no span kind or status fields: they travel as tags.

public sealed record JaegerResponse<T>(
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("errors")] IReadOnlyList<JaegerError>? Errors);

public static class JaegerResponse
{
    public static JaegerResponse<T> Of<T>(T data, int total = 0) => new(data, total, 0, 0, null);

    public static JaegerResponse<object> Error(int code, string message) => new(null, 0, 0, 0, [new JaegerError(code, message)]);
}

public sealed record JaegerError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string Msg);

public sealed record JaegerTrace(
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spans")] IReadOnlyList<JaegerSpan> Spans,
    [property: JsonPropertyName("processes")] IReadOnlyDictionary<string, JaegerProcess> Processes,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string>? Warnings);

public sealed record JaegerSpan(
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spanID")] string SpanId,
    [property: JsonPropertyName("flags")] uint Flags,
    [property: JsonPropertyName("operationName")] string OperationName,
    [property: JsonPropertyName("references")] IReadOnlyList<JaegerReference> References,
    [property: JsonPropertyName("startTime")] long StartTime,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("tags")] IReadOnlyList<JaegerKeyValue> Tags,
    [property: JsonPropertyName("logs")] IReadOnlyList<JaegerLog> Logs,
    [property: JsonPropertyName("processID")] string ProcessId,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string>? Warnings);

public sealed record JaegerReference(
    [property: JsonPropertyName("refType")] string RefType,
    [property: JsonPropertyName("traceID")] string TraceId,
    [property: JsonPropertyName("spanID")] string SpanId);

public sealed record JaegerKeyValue(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] object Value);

public sealed record JaegerLog(
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("fields")] IReadOnlyList<JaegerKeyValue> Fields);

public sealed record JaegerProcess(
    [property: JsonPropertyName("serviceName")] string ServiceName,
    [property: JsonPropertyName("tags")] IReadOnlyList<JaegerKeyValue> Tags);

public sealed record JaegerOperation(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("spanKind")] string SpanKind);
