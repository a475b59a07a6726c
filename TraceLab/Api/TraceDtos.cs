namespace DistributedTracing.TraceLab.Api;

// The JSON shapes of the project's own trace API. Times are Unix milliseconds as doubles (exact to the
// microsecond), durations milliseconds; ids are lowercase hex.

public sealed record ServiceCountDto(string Name, int SpanCount);

public sealed record TraceSummaryDto(
    string TraceId,
    string Name,
    string? RootService,
    string? RootSpanName,
    bool RootReceived,
    double StartUnixMs,
    double DurationMs,
    int SpanCount,
    bool HasError,
    int DroppedSpanCount,
    IReadOnlyList<ServiceCountDto> Services);

public sealed record TraceListDto(int Total, int Offset, int Limit, IReadOnlyList<TraceSummaryDto> Items);

public sealed record AttributeDto(string Key, object? Value);

public sealed record ScopeDto(string Name, string? Version);

public sealed record SpanEventDto(string Name, double TimeUnixMs, double OffsetMs, IReadOnlyList<AttributeDto> Attributes);

public sealed record SpanLinkDto(string TraceId, string SpanId, string? TraceState, IReadOnlyList<AttributeDto> Attributes, bool InThisTrace);

public sealed record SpanRefDto(string TraceId, string SpanId);

public sealed record SpanDto(
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    string ResourceId,
    ScopeDto Scope,
    double StartUnixMs,
    double OffsetMs,
    double DurationMs,
    int Depth,
    int ChildCount,
    string Status,
    string? StatusMessage,
    string? TraceState,
    uint Flags,
    bool ParentNotReceived,
    IReadOnlyList<AttributeDto> Attributes,
    int DroppedAttributesCount,
    IReadOnlyList<SpanEventDto> Events,
    IReadOnlyList<SpanLinkDto> Links,
    IReadOnlyList<SpanRefDto> Backlinks)
{
    /// <summary>Set when one span is asked for: the hop that brought context into it, if any.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public HopDto? Hop { get; init; }

    /// <summary>Set when one span is asked for: the attributes of the resource (the process) that emitted it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AttributeDto>? ResourceAttributes { get; init; }
}

/// <summary>The context that crossed a hop: what the receiving side read from its carrier.</summary>
/// <remarks>
/// Baggage is not part of a span: services record what they received as <c>baggage.&lt;key&gt;</c>
/// attributes on the receiving span (ServiceDefaults' ReceivedBaggageProcessor), and those are shown here.
/// </remarks>
public sealed record HopContextDto(string TraceId, string ParentSpanId, string TraceFlags, string? TraceState, string Traceparent, IReadOnlyList<AttributeDto> Baggage);

public sealed record HopDto(
    string ParentSpanId,
    string ChildSpanId,
    string FromService,
    string ToService,
    string Carrier,
    string CarrierLabel,
    string? MessagingSystem,
    HopContextDto Context);

public sealed record TraceDetailDto(
    TraceSummaryDto Summary,
    int Depth,
    IReadOnlyList<SpanDto> Spans,
    IReadOnlyList<HopDto> Hops);
public sealed record TraceIdListDto(int Total, IReadOnlyList<string> TraceIds);
