using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Telemetry.Memory;
using DistributedTracing.TraceLab.Traces;
using Microsoft.Extensions.Options;

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
    public void The_cache_rebuilds_a_tree_only_when_its_trace_has_grown_and_forgets_evicted_traces()
    {
        using var store = new TelemetryStore(Options.Create(new TraceLabOptions { TelemetryLimits = { MaxTraceCount = 3 } }));
        var cache = new TraceTreeCache(store);
        var root = Span(1, 0, "a", "root", 0);
        var child = Span(2, 1, "a", "child", 10);
        store.AddSpans([root]);

        var first = cache.Get(store.GetTrace(Trace)!);
        Assert.Same(first, cache.Get(store.GetTrace(Trace)!));
        store.AddSpans([child]);
        var grown = cache.Get(store.GetTrace(Trace)!);
        Assert.NotSame(first, grown);
        Assert.Equal(["root", "child"], grown.Nodes.Select(n => n.Span.Name));
        Assert.Same(grown, cache.Get(store.GetTrace(Trace)!));

        // Once the store evicts the trace, the cache lets its tree go too, so nothing outlives the store's budget.
        var snapshot = store.GetTrace(Trace)!;
        for (var i = 0; i < 3; i++)
        {
            var other = new TraceId(9, (ulong)i + 1);
            store.AddSpans([OtherTraceSpan(other)]);
            cache.Get(store.GetTrace(other)!);
        }

        Assert.Null(store.GetTrace(Trace));
        Assert.NotSame(grown, cache.Get(snapshot));
    }

    private static SpanRecord OtherTraceSpan(TraceId traceId) => new()
    {
        TraceId = traceId,
        SpanId = 1,
        ParentSpanId = 0,
        Name = "other",
        Kind = SpanKind.Internal,
        StartUnixNano = 0,
        EndUnixNano = 10,
        Resource = new TelemetryResource("b", null, []),
        Scope = Scope,
        Attributes = CompactAttributes.Empty,
    };
}
