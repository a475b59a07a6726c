using DistributedTracing.TraceLab.Telemetry.Memory;

namespace DistributedTracing.TraceLab.Telemetry;

public enum SpanKind : byte
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

public enum SpanStatusCode : byte
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>
/// One received span, immutable once stored. Kept small on purpose: the store holds up to
/// MaxTraceCount traces, and the bytes per span decide the Trace Lab's memory.
/// </summary>
public sealed class SpanRecord
{
    public required TraceId TraceId { get; init; }

    public required ulong SpanId { get; init; }

    /// <summary>0 for a root span.</summary>
    public required ulong ParentSpanId { get; init; }

    public required string Name { get; init; }

    public required SpanKind Kind { get; init; }

    public required long StartUnixNano { get; init; }

    public required long EndUnixNano { get; init; }

    public required TelemetryResource Resource { get; init; }

    public required InstrumentationScopeInfo Scope { get; init; }

    public required CompactAttributes Attributes { get; init; }

    public SpanStatusCode StatusCode { get; init; }

    public string? StatusMessage { get; init; }

    public string? TraceState { get; init; }

    /// <summary>W3C trace flags (bit 0: sampled), when the sender set them.</summary>
    public uint Flags { get; init; }

    public int DroppedAttributesCount { get; init; }

    /// <summary>Events past MaxEventsPerSpan, not kept.</summary>
    public int DroppedEventsCount { get; init; }

    /// <summary>Links past MaxLinksPerSpan, not kept.</summary>
    public int DroppedLinksCount { get; init; }

    public SpanEventRecord[] Events { get; init; } = [];

    public SpanLinkRecord[] Links { get; init; } = [];

    public long DurationNano => EndUnixNano - StartUnixNano;

    public string ServiceName => Resource.ServiceName;

    public string? FindAttribute(string key) => Attributes.Find(key);
}

public sealed record SpanEventRecord(string Name, long TimeUnixNano, TelemetryAttribute[] Attributes);

public sealed record SpanLinkRecord(TraceId TraceId, ulong SpanId, string? TraceState, TelemetryAttribute[] Attributes);
