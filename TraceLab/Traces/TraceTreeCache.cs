using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Traces;

/// <summary>
/// The last few call trees built, so opening spans of one large trace, one after another, does not
/// rebuild its 100,000-node tree on every click. A trace's spans only ever grow, so its id and span
/// count name one version of its tree. A tree whose trace the store has evicted is dropped, so the
/// cache never keeps spans alive past the store's memory budget.
/// </summary>
public sealed class TraceTreeCache(TelemetryStore store)
{
    private const int Capacity = 4;

    private readonly Lock _lock = new();
    private readonly LinkedList<(TraceId TraceId, int SpanCount, TraceTree Tree)> _entries = new();

    public TraceTree Get(TraceSnapshot trace)
    {
        lock (_lock)
        {
            for (var entry = _entries.First; entry is not null; entry = entry.Next)
            {
                if (entry.Value.TraceId == trace.TraceId && entry.Value.SpanCount == trace.Spans.Length)
                {
                    _entries.Remove(entry);
                    _entries.AddFirst(entry);
                    return entry.Value.Tree;
                }
            }
        }

        var tree = TraceTree.Build(trace.Spans);
        lock (_lock)
        {
            _entries.AddFirst((trace.TraceId, trace.Spans.Length, tree));
            while (_entries.Count > Capacity)
            {
                _entries.RemoveLast();
            }

            for (var entry = _entries.First; entry is not null;)
            {
                var next = entry.Next;
                if (!store.ContainsTrace(entry.Value.TraceId))
                {
                    _entries.Remove(entry);
                }

                entry = next;
            }
        }

        return tree;
    }
}
