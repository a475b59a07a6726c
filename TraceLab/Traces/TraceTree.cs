using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Traces;

/// <summary>
/// The call tree of one trace, built from parent span ids: siblings by start time, spans whose parent
/// never arrived as extra roots (flagged), and every parent-to-child edge that crosses services as a hop.
/// Iterative, so a 100,000-span trace of any depth cannot overflow the stack.
/// </summary>
public sealed class TraceTree
{
    private TraceTree(IReadOnlyList<TraceNode> nodes, IReadOnlyList<TraceHop> hops, int depth)
    {
        Nodes = nodes;
        Hops = hops;
        Depth = depth;
    }

    /// <summary>Every span in display order: depth first, children by start time.</summary>
    public IReadOnlyList<TraceNode> Nodes { get; }

    public IReadOnlyList<TraceHop> Hops { get; }

    /// <summary>Levels in the deepest branch (a lone span has depth 1).</summary>
    public int Depth { get; }

    public static TraceTree Build(IReadOnlyList<SpanRecord> spans)
    {
        var byId = new Dictionary<ulong, TraceNode>(spans.Count);
        foreach (var span in spans)
        {
            byId.TryAdd(span.SpanId, new TraceNode(span));
        }

        var roots = new List<TraceNode>();
        foreach (var node in byId.Values)
        {
            var parentId = node.Span.ParentSpanId;
            if (parentId != 0 && parentId != node.Span.SpanId && byId.TryGetValue(parentId, out var parent))
            {
                node.Parent = parent;
                parent.Children.Add(node);
            }
            else
            {
                node.ParentNotReceived = parentId != 0 && parentId != node.Span.SpanId;
                roots.Add(node);
            }
        }

        var ordered = new List<TraceNode>(byId.Count);
        var hops = new List<TraceHop>();
        var maxDepth = 0;
        Walk(roots, ordered, hops, ref maxDepth);

        // Spans caught in a parent cycle (bad data) are reachable from no root: show them as roots too.
        if (ordered.Count < byId.Count)
        {
            var orphans = byId.Values.Where(n => n.Depth < 0).ToList();
            foreach (var orphan in orphans)
            {
                orphan.Parent?.Children.Remove(orphan);
                orphan.Parent = null;
                orphan.ParentNotReceived = true;
            }

            Walk(orphans.Where(n => n.Depth < 0).ToList(), ordered, hops, ref maxDepth);
        }

        return new TraceTree(ordered, hops, maxDepth);
    }

    private static void Walk(List<TraceNode> roots, List<TraceNode> ordered, List<TraceHop> hops, ref int maxDepth)
    {
        roots.Sort(ByStart);
        var stack = new Stack<TraceNode>();
        for (var i = roots.Count - 1; i >= 0; i--)
        {
            roots[i].Depth = 0;
            stack.Push(roots[i]);
        }

        while (stack.Count > 0)
        {
            var node = stack.Pop();
            ordered.Add(node);
            maxDepth = Math.Max(maxDepth, node.Depth + 1);
            if (node.Parent is { } parent && parent.Span.ServiceName != node.Span.ServiceName)
            {
                hops.Add(TraceHop.Create(parent, node));
            }

            node.Children.Sort(ByStart);
            for (var i = node.Children.Count - 1; i >= 0; i--)
            {
                var child = node.Children[i];
                if (child.Depth >= 0)
                {
                    continue; // already placed: only possible with malformed parent links
                }

                child.Depth = node.Depth + 1;
                stack.Push(child);
            }
        }
    }

    private static int ByStart(TraceNode a, TraceNode b)
    {
        var byTime = a.Span.StartUnixNano.CompareTo(b.Span.StartUnixNano);
        return byTime != 0 ? byTime : a.Span.SpanId.CompareTo(b.Span.SpanId);
    }
}

public sealed class TraceNode(SpanRecord span)
{
    public SpanRecord Span { get; } = span;

    public TraceNode? Parent { get; internal set; }

    public List<TraceNode> Children { get; } = [];

    /// <summary>0 for a root; -1 until placed.</summary>
    public int Depth { get; internal set; } = -1;

    /// <summary>The span names a parent that is not in the trace: usually context was propagated but
    /// the parent's service never exported (or its span was dropped or is still in flight).</summary>
    public bool ParentNotReceived { get; internal set; }
}
