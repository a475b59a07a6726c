using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Traces;

namespace DistributedTracing.TraceLab.Api;

/// <summary>Builds the trace page's columnar waterfall from a stored trace and its logs.</summary>
public static class TraceWaterfallMapper
{

    public static TraceWaterfallDto ToWaterfall(TraceSnapshot trace, TraceTree tree, IReadOnlyList<LogEntry> logs)
    {
        var count = tree.Nodes.Count;
        var rowOf = new Dictionary<TraceNode, int>(count, ReferenceEqualityComparer.Instance);
        var rowOfSpanId = new Dictionary<ulong, int>(count);
        var names = new StringTable();
        var services = new StringTable();
        var (spanIds, parents, nameIndexes, serviceIndexes) = (new string[count], new int[count], new int[count], new int[count]);
        var (kinds, statuses, depths, childCounts) = (new int[count], new int[count], new int[count], new int[count]);
        var (offsets, durations) = (new double[count], new double[count]);
        var orphans = new List<int>();
        var statusMessages = new Dictionary<int, string>();

        for (var i = 0; i < count; i++)
        {
            var node = tree.Nodes[i];
            var span = node.Span;
            rowOf[node] = i;
            rowOfSpanId.TryAdd(span.SpanId, i);
            spanIds[i] = SpanId.ToHex(span.SpanId);
            parents[i] = node.Parent is { } parent ? rowOf[parent] : -1; // parents come before children
            nameIndexes[i] = names.IndexOf(span.Name);
            serviceIndexes[i] = services.IndexOf(span.ServiceName);
            kinds[i] = KindIndex(span.Kind);
            statuses[i] = span.StatusCode switch { SpanStatusCode.Ok => 1, SpanStatusCode.Error => 2, _ => 0 };
            offsets[i] = Math.Round(TelemetryTime.ToMs(span.StartUnixNano - trace.StartUnixNano), 3);
            durations[i] = Math.Round(TelemetryTime.ToMs(span.DurationNano), 3);
            depths[i] = node.Depth;
            childCounts[i] = node.Children.Count;
            if (node.ParentNotReceived)
            {
                orphans.Add(i);
            }

            if (!string.IsNullOrEmpty(span.StatusMessage))
            {
                statusMessages[i] = span.StatusMessage;
            }
        }

        var markers = logs.Where(l => l.SpanId != 0 && rowOfSpanId.ContainsKey(l.SpanId)).OrderBy(l => l.TimeUnixNano).ToList();
        return new TraceWaterfallDto(
            TraceMapper.ToSummary(trace),
            tree.Depth,
            services.Values,
            names.Values,
            SpanKindNames.All,
            new WaterfallSpansDto(spanIds, parents, nameIndexes, serviceIndexes, kinds, statuses, offsets, durations, depths, childCounts, [.. orphans], statusMessages),
            [.. tree.Hops.Select(TraceMapper.ToHop)],
            new WaterfallLogsDto(
                [.. markers.Select(l => rowOfSpanId[l.SpanId])],
                [.. markers.Select(l => Math.Round(TelemetryTime.ToMs(l.TimeUnixNano - trace.StartUnixNano), 3))],
                [.. markers.Select(l => l.Level)]));
    }

    /// <summary>Position of the kind's name in <see cref="SpanKindNames.All"/>.</summary>
    private static int KindIndex(SpanKind kind) => (int)kind < SpanKindNames.All.Count ? (int)kind : 0;

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
