namespace DistributedTracing.TraceLab.Otlp.Decoding;

// Field numbers of the OTLP messages the span decoder reads by hand, from opentelemetry-proto
// (collector/trace/v1/trace_service.proto, trace/v1/trace.proto, common/v1/common.proto).

internal static class ExportTraceServiceRequestField
{
    public const int ResourceSpans = 1;
}

internal static class ResourceSpansField
{
    public const int Resource = 1;
    public const int ScopeSpans = 2;
}

internal static class ScopeSpansField
{
    public const int Scope = 1;
    public const int Spans = 2;
}

internal static class SpanField
{
    public const int TraceId = 1;
    public const int SpanId = 2;
    public const int TraceState = 3;
    public const int ParentSpanId = 4;
    public const int Name = 5;
    public const int Kind = 6;
    public const int StartTimeUnixNano = 7;
    public const int EndTimeUnixNano = 8;
    public const int Attributes = 9;
    public const int DroppedAttributesCount = 10;
    public const int Events = 11;
    public const int DroppedEventsCount = 12;
    public const int Links = 13;
    public const int DroppedLinksCount = 14;
    public const int Status = 15;
    public const int Flags = 16;
}

internal static class StatusField
{
    public const int Message = 2;
    public const int Code = 3;
}

internal static class KeyValueField
{
    public const int Key = 1;
    public const int Value = 2;
}

internal static class AnyValueField
{
    public const int StringValue = 1;
    public const int BoolValue = 2;
    public const int IntValue = 3;
    public const int DoubleValue = 4;
    public const int ArrayValue = 5;
    public const int KvlistValue = 6;
    public const int BytesValue = 7;
}
