using System.Globalization;
using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Traces;

namespace DistributedTracing.TraceLab.Api;

/// <summary>Turns stored traces into the JSON shapes of the project's API.</summary>
public static class TraceMapper
{
    public static TraceSummaryDto ToSummary(TraceRecord trace) =>
        Summary(trace.TraceId, trace.Root, trace.StartUnixNano, trace.EndUnixNano, trace.SpanCount, trace.HasError, trace.DroppedSpanCount, trace.Services);

    public static TraceSummaryDto ToSummary(TraceSnapshot trace) =>
        Summary(trace.TraceId, trace.Root, trace.StartUnixNano, trace.EndUnixNano, trace.Spans.Length, trace.HasError, trace.DroppedSpanCount, trace.Services);

    private static TraceSummaryDto Summary(
        TraceId traceId, SpanRecord? root, long start, long end, int spanCount, bool hasError, int dropped, IReadOnlyList<ServiceSpanCount> services) =>
        new(
            traceId.ToString(),
            root is null ? "(no spans)" : $"{root.ServiceName}: {root.Name}",
            root?.ServiceName,
            root?.Name,
            root is { ParentSpanId: 0 },
            spanCount == 0 ? 0 : TelemetryTime.ToUnixMs(start),
            spanCount == 0 ? 0 : TelemetryTime.ToMs(end - start),
            spanCount,
            hasError,
            dropped,
            [.. services.Select(s => new ServiceCountDto(s.ServiceName, s.SpanCount))]);

    public static TraceDetailDto ToDetail(TraceSnapshot trace)
    {
        var tree = TraceTree.Build(trace.Spans);
        var backlinks = trace.Spans
            .SelectMany(s => s.Links.Where(l => l.TraceId == trace.TraceId).Select(l => (Target: l.SpanId, Source: s)))
            .ToLookup(x => x.Target, x => new SpanRefDto(trace.TraceId.ToString(), SpanId.ToHex(x.Source.SpanId)));
        var spanIds = trace.Spans.Select(s => s.SpanId).ToHashSet();

        var spans = tree.Nodes.Select(node => ToSpan(node, trace, backlinks[node.Span.SpanId].ToList(), spanIds)).ToList();
        var hops = tree.Hops.Select(ToHop).ToList();
        return new TraceDetailDto(ToSummary(trace), tree.Depth, spans, hops);
    }

    public static SpanDto ToSpan(TraceNode node, TraceSnapshot trace, List<SpanRefDto> backlinks, HashSet<ulong> spanIds)
    {
        var span = node.Span;
        return new SpanDto(
            SpanId.ToHex(span.SpanId),
            span.ParentSpanId == 0 ? null : SpanId.ToHex(span.ParentSpanId),
            span.Name,
            SpanKindNames.Of(span.Kind),
            span.ServiceName,
            span.Resource.Id,
            new ScopeDto(span.Scope.Name, span.Scope.Version.Length == 0 ? null : span.Scope.Version),
            TelemetryTime.ToUnixMs(span.StartUnixNano),
            TelemetryTime.ToMs(span.StartUnixNano - trace.StartUnixNano),
            TelemetryTime.ToMs(span.DurationNano),
            node.Depth,
            node.Children.Count,
            StatusName(span.StatusCode),
            span.StatusMessage,
            span.TraceState,
            span.Flags,
            node.ParentNotReceived,
            ToAttributes(span.Attributes.ToArray()),
            span.DroppedAttributesCount,
            [.. span.Events.Select(e => new SpanEventDto(e.Name, TelemetryTime.ToUnixMs(e.TimeUnixNano), TelemetryTime.ToMs(e.TimeUnixNano - trace.StartUnixNano), ToAttributes(e.Attributes)))],
            [.. span.Links.Select(l => new SpanLinkDto(l.TraceId.ToString(), SpanId.ToHex(l.SpanId), l.TraceState, ToAttributes(l.Attributes), l.TraceId == trace.TraceId && spanIds.Contains(l.SpanId)))],
            backlinks);
    }

    public static HopDto ToHop(TraceHop hop)
    {
        var traceId = hop.Child.TraceId.ToString();
        var parentSpanId = SpanId.ToHex(hop.Parent.SpanId);
        var flags = (hop.Child.Flags & 0xFF).ToString("x2", CultureInfo.InvariantCulture);
        return new HopDto(
            parentSpanId,
            SpanId.ToHex(hop.Child.SpanId),
            hop.Parent.ServiceName,
            hop.Child.ServiceName,
            TraceHop.CarrierName(hop.Carrier),
            hop.CarrierLabel,
            hop.MessagingSystem,
            new HopContextDto(traceId, parentSpanId, flags, hop.Child.TraceState, $"00-{traceId}-{parentSpanId}-{flags}", ReceivedBaggage(hop.Child)));
    }

    private const string BaggagePrefix = "baggage.";

    private static List<AttributeDto> ReceivedBaggage(SpanRecord span) =>
        span.Attributes.Count == 0
            ? []
            : [.. span.Attributes.ToArray()
                .Where(a => a.Key.StartsWith(BaggagePrefix, StringComparison.Ordinal) && a.Key.Length > BaggagePrefix.Length)
                .Select(a => new AttributeDto(a.Key[BaggagePrefix.Length..], ToJsonValue(a.Value)))];

    public static IReadOnlyList<AttributeDto> ToAttributes(TelemetryAttribute[] attributes) =>
        attributes.Length == 0 ? [] : [.. attributes.Select(a => new AttributeDto(a.Key, ToJsonValue(a.Value)))];

    /// <summary>Nested maps become JSON objects; everything else serializes as it is.</summary>
    public static object? ToJsonValue(object? value) => value switch
    {
        TelemetryAttribute[] map => ToJsonObject(map),
        object?[] array => array.Select(ToJsonValue).ToArray(),
        _ => value,
    };

    // Ingest keeps one value per key in a map; should a key come twice anyway, the last wins, as when OTLP JSON is read.
    private static Dictionary<string, object?> ToJsonObject(TelemetryAttribute[] map)
    {
        var json = new Dictionary<string, object?>(map.Length, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            json[key] = ToJsonValue(value);
        }

        return json;
    }


    public static string StatusName(SpanStatusCode code) => code switch
    {
        SpanStatusCode.Ok => "ok",
        SpanStatusCode.Error => "error",
        _ => "unset",
    };
}
