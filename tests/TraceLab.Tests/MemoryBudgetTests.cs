using System.Diagnostics;
using System.Net;
using DistributedTracing.TraceLab.Telemetry;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The store's byte budgets and bounded tables, through real OTLP/HTTP exports to a real Trace Lab: each
/// limit is set small so it is reached in a few exports, and what the store holds is checked against it.
/// </summary>
public sealed class MemoryBudgetTests
{
    private static Task<TraceLabServer> StartAsync(params (string Key, string Value)[] limits) =>
        TraceLabServer.StartAsync(limits.ToDictionary(l => $"TraceLab:TelemetryLimits:{l.Key}", l => (string?)l.Value));

    private static Span SpanWithText(byte[] traceId, string name, int textLength)
    {
        var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, name);
        span.Attributes.Add(OtlpRequests.Attribute("payload", new string('x', textLength)));
        return span;
    }

    [Fact]
    public async Task Spans_past_their_byte_budget_evict_the_oldest_traces()
    {
        const long budget = 200_000;
        await using var server = await StartAsync(("MaxSpanBytes", $"{budget}"));
        var ids = Enumerable.Range(0, 60).Select(_ => OtlpRequests.NewTraceId()).ToList();
        foreach (var id in ids)
        {
            await server.PostTracesOkAsync(OtlpRequests.Traces("svc", SpanWithText(id, "op", 4_000)));
            Assert.InRange(server.Store.Usage.SpanBytes, 1, budget);
        }

        // Each trace holds about 5 KB: 4,000 characters of UTF-8, the span, the trace, its resource and scope.
        var usage = server.Store.Usage;
        Assert.InRange(usage.TraceCount, 10, 40);
        Assert.Equal(60 - usage.TraceCount, usage.EvictedTraceCount);
        Assert.Null(server.Store.GetTrace(TraceId.FromBytes(ids[0])));
        Assert.NotNull(server.Store.GetTrace(TraceId.FromBytes(ids[^1])));

        var api = await server.Api.GetJsonAsync("/api/store");
        Assert.Equal(usage.SpanBytes, api["usage"]!["spanBytes"]!.GetValue<long>());
        Assert.Equal(budget, api["limits"]!["maxSpanBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_trace_that_alone_fills_the_budget_takes_no_more_spans_and_goes_when_another_needs_room()
    {
        const long budget = 50_000;
        await using var server = await StartAsync(("MaxSpanBytes", $"{budget}"));
        var big = OtlpRequests.NewTraceId();
        for (var i = 0; i < 20; i++)
        {
            // Once full, an export of only this trace's spans stores nothing: answered 400, saying why.
            using var response = await server.PostTracesAsync(OtlpRequests.Traces("svc", SpanWithText(big, $"part {i}", 4_000)));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.Contains("MaxSpanBytes", await response.Content.ReadAsStringAsync());
            }
        }

        var trace = server.Store.GetTrace(TraceId.FromBytes(big))!;
        Assert.InRange(trace.Spans.Length, 5, 19);
        Assert.Equal(20 - trace.Spans.Length, trace.DroppedSpanCount);
        Assert.InRange(server.Store.Usage.SpanBytes, 1, budget);

        var next = OtlpRequests.NewTraceId();
        await server.PostTracesOkAsync(OtlpRequests.Traces("svc", SpanWithText(next, "next", 4_000)));
        Assert.Null(server.Store.GetTrace(TraceId.FromBytes(big)));
        Assert.NotNull(server.Store.GetTrace(TraceId.FromBytes(next)));
    }

    [Fact]
    public async Task Logs_past_their_byte_budget_go_oldest_first()
    {
        const long budget = 100_000;
        await using var server = await StartAsync(("MaxLogBytes", $"{budget}"));
        for (var i = 0; i < 40; i++)
        {
            var record = new LogRecord { TimeUnixNano = OtlpRequests.Now, Body = new AnyValue { StringValue = $"{i}:" + new string('y', 5_000) } };
            using var response = await server.Otlp.PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Logs("svc", record)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var usage = server.Store.Usage;
        Assert.InRange(usage.LogBytes, 1, budget);
        Assert.InRange(usage.LogCount, 5, 15);
        var logs = server.Store.QueryLogs(_ => true);
        Assert.StartsWith("39:", logs[^1].Body);
        Assert.StartsWith($"{40 - usage.LogCount}:", logs[0].Body);
    }

    [Fact]
    public async Task Metrics_past_their_byte_budget_lose_the_oldest_points_of_the_quietest_resource_first()
    {
        const long budget = 60_000;
        await using var server = await StartAsync(("MaxMetricBytes", $"{budget}"));
        await PostGaugeAsync(server, "quiet", "temperature", points: 20);
        for (var i = 0; i < 10; i++)
        {
            await PostGaugeAsync(server, "busy", $"metric.{i}", points: 20);
            Assert.InRange(server.Store.Usage.MetricBytes, 1, budget);
        }

        // The quiet resource lost its points first; the busy one keeps its newest instruments.
        Assert.Empty((await server.Api.GetJsonAsync("/api/metrics?resource=quiet")).Arr());
        var instruments = (await server.Api.GetJsonAsync("/api/metrics?resource=busy")).Arr().Select(i => i!["name"].Str()).ToList();
        Assert.Contains("metric.9", instruments);
        Assert.DoesNotContain("metric.0", instruments);
    }

    [Fact]
    public async Task The_resource_table_keeps_the_most_recently_seen_and_their_metrics_go_with_the_rest()
    {
        await using var server = await StartAsync(("MaxResourceCount", "3"));
        for (var i = 0; i < 6; i++)
        {
            await PostGaugeAsync(server, "svc", "requests", points: 1, instance: $"replica-{i}");
        }

        // replica-3 is seen again, so it is not the least recently used when replica-6 arrives.
        await PostGaugeAsync(server, "svc", "requests", points: 1, instance: "replica-3");
        await PostGaugeAsync(server, "svc", "requests", points: 1, instance: "replica-6");

        var ids = (await server.Api.GetJsonAsync("/api/telemetry-resources")).Arr().Select(r => r!["id"].Str()).Order().ToList();
        Assert.Equal(["svc:replica-3", "svc:replica-5", "svc:replica-6"], ids);
        Assert.Equal(3, server.Store.Usage.ResourceCount);
        using var gone = await server.Api.GetAsync("/api/metrics?resource=svc:replica-4");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Events_links_and_long_names_are_capped_and_the_drops_counted()
    {
        await using var server = await StartAsync(("MaxEventsPerSpan", "2"), ("MaxLinksPerSpan", "1"), ("MaxAttributeLength", "50"));
        var traceId = OtlpRequests.NewTraceId();
        var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, new string('n', 10_000));
        for (var i = 0; i < 5; i++)
        {
            span.Events.Add(new Span.Types.Event { Name = $"event {i} " + new string('e', 1_000), TimeUnixNano = OtlpRequests.Now });
        }

        for (var i = 0; i < 3; i++)
        {
            span.Links.Add(new Span.Types.Link { TraceId = Google.Protobuf.ByteString.CopyFrom(OtlpRequests.NewTraceId()), SpanId = Google.Protobuf.ByteString.CopyFrom(OtlpRequests.NewSpanId()) });
        }

        span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = new string('m', 10_000) };
        var request = OtlpRequests.Traces(new string('s', 10_000), span);
        request.ResourceSpans[0].ScopeSpans[0].Scope.Name = new string('c', 10_000);
        await server.PostTracesOkAsync(request);

        var stored = server.Store.GetTrace(TraceId.FromBytes(traceId))!.Spans.Single();
        Assert.Equal(50, stored.Name.Length);
        Assert.Equal(50, stored.StatusMessage!.Length);
        Assert.Equal(50, stored.ServiceName.Length);
        Assert.Equal(50, stored.Scope.Name.Length);
        Assert.Equal(["event 0 " + new string('e', 42), "event 1 " + new string('e', 42)], stored.Events.Select(e => e.Name));
        Assert.Equal(3, stored.DroppedEventsCount);
        Assert.Single(stored.Links);
        Assert.Equal(2, stored.DroppedLinksCount);
    }

    [Fact]
    public async Task A_trace_spanning_two_hundred_thousand_services_is_stored_in_linear_time()
    {
        // Counting services by scanning a list made this quadratic: 5 s for 60,000 services, about a minute for
        // these 200,000, all under the write lock. Linear, it takes a few seconds even on a busy machine.
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Otlp:MaxRequestBodySize"] = $"{64 * 1024 * 1024}",
            ["TraceLab:TelemetryLimits:MaxSpansPerTrace"] = "200000",
        });
        var traceId = OtlpRequests.NewTraceId();
        var request = new OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest();
        for (var i = 0; i < 200_000; i++)
        {
            var resourceSpans = new ResourceSpans { Resource = new Resource() };
            resourceSpans.Resource.Attributes.Add(OtlpRequests.Attribute("service.name", $"service-{i}"));
            resourceSpans.ScopeSpans.Add(new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op") } });
            request.ResourceSpans.Add(resourceSpans);
        }

        var watch = Stopwatch.StartNew();
        await server.PostTracesOkAsync(request);
        var trace = server.Store.GetTrace(TraceId.FromBytes(traceId))!;
        watch.Stop();
        Assert.Equal(200_000, trace.Services.Length);
        Assert.All(trace.Services, s => Assert.Equal(1, s.SpanCount));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    private static async Task PostGaugeAsync(TraceLabServer server, string service, string name, int points, string? instance = null)
    {
        var gauge = new Gauge();
        for (var i = 0; i < points; i++)
        {
            gauge.DataPoints.Add(new NumberDataPoint { TimeUnixNano = OtlpRequests.Now + (ulong)i, AsDouble = i, Attributes = { OtlpRequests.Attribute("point", $"{i}:" + new string('p', 200)) } });
        }

        var resource = new Resource { Attributes = { OtlpRequests.Attribute("service.name", service) } };
        if (instance is not null)
        {
            resource.Attributes.Add(OtlpRequests.Attribute("service.instance.id", instance));
        }

        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { Resource = resource, ScopeMetrics = { new ScopeMetrics { Scope = new InstrumentationScope { Name = "test" }, Metrics = { new Metric { Name = name, Gauge = gauge } } } } } },
        };
        using var response = await server.Otlp.PostAsync("/v1/metrics", OtlpRequests.Protobuf(request));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
