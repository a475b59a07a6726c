namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// What the trace page needs to draw a waterfall, in columns: one array per field, a span's values at the
/// same index in each (spans in display order), names and services as indexes into string tables. A
/// 100,000-span trace is then a few megabytes the browser parses in tens of milliseconds; attributes,
/// events and links come per span from <c>/api/traces/{id}/spans/{spanId}</c> when one is opened.
/// </summary>
public sealed record TraceWaterfallDto(
    TraceSummaryDto Summary,
    int Depth,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> Kinds,
    WaterfallSpansDto Spans,
    IReadOnlyList<HopDto> Hops,
    WaterfallLogsDto Logs);

public sealed record WaterfallSpansDto(
    string[] SpanId,
    // Index of the parent span in these arrays; -1 for a root or a span whose parent never arrived.
    int[] Parent,
    int[] Name,
    int[] Service,
    // Index into <see cref="TraceWaterfallDto.Kinds"/>.
    int[] Kind,
    // 0 unset, 1 ok, 2 error.
    int[] Status,
    // Milliseconds from the trace's start, rounded to the microsecond.
    double[] OffsetMs,
    double[] DurationMs,
    int[] Depth,
    int[] ChildCount,
    // Indexes of spans whose parent span id names a span that never arrived.
    int[] ParentNotReceived,
    // Status messages by span index, for the spans that have one.
    IReadOnlyDictionary<int, string> StatusMessages);

/// <summary>The trace's log records as markers: span index, milliseconds from the trace's start, level.</summary>
public sealed record WaterfallLogsDto(int[] Span, double[] OffsetMs, string[] Level);
