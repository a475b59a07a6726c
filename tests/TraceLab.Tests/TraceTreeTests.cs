using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Traces;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The call tree and hop rules on hand-made spans.</summary>
public sealed class TraceTreeTests
{
    private static readonly TraceId Trace = new(1, 2);
    private static readonly InstrumentationScopeInfo Scope = new("test", "");

    private static SpanRecord Span(ulong id, ulong parent, string service, string name, long start, SpanKind kind = SpanKind.Internal, params (string Key, object Value)[] attributes) => new()
    {
        TraceId = Trace,
        SpanId = id,
        ParentSpanId = parent,
        Name = name,
        Kind = kind,
        StartUnixNano = start,
        EndUnixNano = start + 10,
        Resource = new TelemetryResource(service, null, []),
        Scope = Scope,
        Attributes = CompactAttributes.From([.. attributes.Select(a => new TelemetryAttribute(a.Key, a.Value))]),
    };

    [Fact]
    public void Siblings_are_ordered_by_start_time_and_missing_parents_become_flagged_roots()
    {
        var tree = TraceTree.Build(
        [
            Span(3, 1, "a", "late child", 30),
            Span(1, 0, "a", "root", 0),
            Span(2, 1, "a", "early child", 10),
            Span(5, 99, "b", "orphan", 5),
        ]);

        Assert.Equal(["root", "early child", "late child", "orphan"], tree.Nodes.Select(n => n.Span.Name));
        Assert.Equal([0, 1, 1, 0], tree.Nodes.Select(n => n.Depth));
        Assert.Equal([false, false, false, true], tree.Nodes.Select(n => n.ParentNotReceived));
        Assert.Equal(2, tree.Depth);
    }

    [Fact]
    public void Carriers_come_from_the_kinds_and_attributes_of_both_ends()
    {
        var tree = TraceTree.Build(
        [
            Span(1, 0, "shop", "GET /", 0, SpanKind.Client, ("http.request.method", "GET")),
            Span(2, 1, "api", "GET /", 1, SpanKind.Server, ("http.request.method", "GET")),
            Span(3, 2, "api", "users.Users/Get", 2, SpanKind.Client, ("rpc.system.name", "grpc")),
            Span(4, 3, "api", "POST", 3, SpanKind.Client, ("http.request.method", "POST")),
            Span(5, 4, "users", "users.Users/Get", 4, SpanKind.Server),
            Span(6, 2, "api", "publish orders", 5, SpanKind.Producer, ("messaging.system", "kafka")),
            Span(7, 6, "worker", "process orders", 6, SpanKind.Consumer, ("messaging.system", "kafka")),
            Span(8, 2, "api", "mystery", 7, SpanKind.Internal),
            Span(9, 8, "other", "mystery", 8, SpanKind.Server),
        ]);

        Assert.Equal(
            ["shop->api:HttpHeaders:HTTP headers", "api->users:GrpcMetadata:gRPC metadata", "api->worker:MessageHeaders:Kafka message headers", "api->other:Unknown:unrecognised carrier"],
            tree.Hops.Select(h => $"{h.Parent.ServiceName}->{h.Child.ServiceName}:{h.Carrier}:{h.CarrierLabel}"));
    }

    [Fact]
    public void Deep_traces_and_parent_cycles_neither_overflow_nor_hang()
    {
        var deep = Enumerable.Range(1, 50_000).Select(i => Span((ulong)i, (ulong)(i - 1), "svc", $"level {i}", i)).ToList();
        var tree = TraceTree.Build(deep);
        Assert.Equal(50_000, tree.Depth);

        var cycle = TraceTree.Build([Span(1, 2, "a", "one", 0), Span(2, 1, "a", "two", 1), Span(3, 3, "a", "self", 2)]);
        Assert.Equal(3, cycle.Nodes.Count);
    }

    [Fact]
    public void The_cache_rebuilds_a_tree_only_when_its_trace_has_grown()
    {
        static TraceSnapshot Snapshot(params SpanRecord[] spans) => new(Trace, 0, 100, false, 0, spans[0], [], spans);
        var cache = new TraceTreeCache();
        var root = Span(1, 0, "a", "root", 0);
        var child = Span(2, 1, "a", "child", 10);

        var first = cache.Get(Snapshot(root));
        Assert.Same(first, cache.Get(Snapshot(root)));
        var grown = cache.Get(Snapshot(root, child));
        Assert.NotSame(first, grown);
        Assert.Equal(["root", "child"], grown.Nodes.Select(n => n.Span.Name));

        // Only the last few trees are kept.
        for (var i = 0; i < 10; i++)
        {
            cache.Get(new TraceSnapshot(new TraceId(9, (ulong)i), 0, 1, false, 0, root, [], [root]));
        }

        Assert.NotSame(grown, cache.Get(Snapshot(root, child)));
    }
}
