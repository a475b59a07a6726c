using DistributedTracing.Dashboard.Telemetry;
using DistributedTracing.Dashboard.Traces;

namespace DistributedTracing.Dashboard.Api;

/// <summary>Builds the trace page's columnar waterfall from a stored trace and its logs.</summary>
public static class TraceWaterfallMapper
{
    private static readonly string[] KindNames = ["unspecified", "internal", "server", "client", "producer", "consumer"];

    public static TraceWaterfallDto ToWaterfall(TraceSnapshot trace, TraceTree tree, IReadOnlyList<LogEntry> logs)
    {
        var count = tree.Nodes.Count;
        var index = new Dictionary<TraceNode, int>(count, ReferenceEqualityComparer.Instance);
        var names = new StringTable();
        var services = new StringTable();
        var spans = new WaterfallSpansDto(
            new string[count], new int[count], new int[count], new int[count], new int[count], new int[count],
            new double[count], new double[count], new int[count], new int[count], [], new Dictionary<int, string>());
        var orphans = new List<int>();
        var statusMessages = new Dictionary<int, string>();

        for (var i = 0; i < count; i++)
        {
            var node = tree.Nodes[i];
            var span = node.Span;
            index[node] = i;
            spans.SpanId[i] = SpanId.ToHex(span.SpanId);
            spans.Parent[i] = node.Parent is { } parent ? index[parent] : -1; // parents come before children
            spans.Name[i] = names.IndexOf(span.Name);
            spans.Service[i] = services.IndexOf(span.ServiceName);
            spans.Kind[i] = Array.IndexOf(KindNames, TraceMapper.KindName(span.Kind));
            spans.Status[i] = span.StatusCode switch { SpanStatusCode.Ok => 1, SpanStatusCode.Error => 2, _ => 0 };
            spans.OffsetMs[i] = Math.Round(TelemetryTime.ToMs(span.StartUnixNano - trace.StartUnixNano), 3);
            spans.DurationMs[i] = Math.Round(TelemetryTime.ToMs(span.DurationNano), 3);
            spans.Depth[i] = node.Depth;
            spans.ChildCount[i] = node.Children.Count;
            if (node.ParentNotReceived)
            {
                orphans.Add(i);
            }

            if (!string.IsNullOrEmpty(span.StatusMessage))
            {
                statusMessages[i] = span.StatusMessage;
            }
        }

        var bySpanId = new Dictionary<ulong, int>(count);
        for (var i = 0; i < count; i++)
        {
            bySpanId.TryAdd(tree.Nodes[i].Span.SpanId, i);
        }

        var markers = logs.Where(l => l.SpanId != 0 && bySpanId.ContainsKey(l.SpanId)).OrderBy(l => l.TimeUnixNano).ToList();
        return new TraceWaterfallDto(
            TraceMapper.ToSummary(trace),
            tree.Depth,
            services.Values,
            names.Values,
            KindNames,
            spans with { ParentNotReceived = [.. orphans], StatusMessages = statusMessages },
            [.. tree.Hops.Select(TraceMapper.ToHop)],
            new WaterfallLogsDto(
                [.. markers.Select(l => bySpanId[l.SpanId])],
                [.. markers.Select(l => Math.Round(TelemetryTime.ToMs(l.TimeUnixNano - trace.StartUnixNano), 3))],
                [.. markers.Select(l => l.Level)]));
    }

    /// <summary>Each distinct string once, in order of first use.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
        private readonly List<string> _values = [];

        public IReadOnlyList<string> Values => _values;

        public int IndexOf(string value)
        {
            if (!_indexes.TryGetValue(value, out var index))
            {
                index = _values.Count;
                _indexes.Add(value, index);
                _values.Add(value);
            }

            return index;
        }
    }
}
