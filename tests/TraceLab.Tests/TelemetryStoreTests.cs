using System.Diagnostics.Metrics;
using System.Net;
using DistributedTracing.TraceLab.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Limits, eviction order, truncation, arrival order and concurrency, through real OTLP/HTTP exports.</summary>
public sealed class TelemetryStoreTests
{
    private static TraceId Id(byte[] bytes) => TraceId.FromBytes(bytes);

    [Fact]
    public async Task Oldest_traces_are_evicted_first()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:TelemetryLimits:MaxTraceCount"] = "3" });
        var ids = Enumerable.Range(0, 5).Select(_ => OtlpRequests.NewTraceId()).ToList();
        foreach (var id in ids)
        {
            await server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(id, OtlpRequests.NewSpanId(), null, "op")));
        }

        Assert.Equal(3, server.Store.TraceCount);
        Assert.Null(server.Store.GetTrace(Id(ids[0])));
        Assert.Null(server.Store.GetTrace(Id(ids[1])));
        Assert.All(ids[2..], id => Assert.NotNull(server.Store.GetTrace(Id(id))));
        Assert.Equal(2, server.Store.EvictedTraceCount);

        // A late span for a trace that is still held does not make it younger: arrival order decides.
        await server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(ids[2], OtlpRequests.NewSpanId(), null, "late")));
        await server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "op")));
        Assert.Null(server.Store.GetTrace(Id(ids[2])));
        using var gone = await server.Api.GetAsync($"/api/traces/{OtlpRequests.Hex(ids[0])}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Spans_over_the_per_trace_limit_are_dropped_and_counted()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:TelemetryLimits:MaxSpansPerTrace"] = "4" });
        var traceId = OtlpRequests.NewTraceId();
        var spans = Enumerable.Range(0, 6).Select(i => OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, $"op{i}")).ToArray();
        using var response = await server.PostTracesAsync(OtlpRequests.Traces("svc", spans));
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("MaxSpansPerTrace", answer.PartialSuccess.ErrorMessage);

        var trace = await server.Api.GetJsonAsync($"/api/traces/{OtlpRequests.Hex(traceId)}");
        Assert.Equal(4, (int)trace["summary"]!["spanCount"]!);
        Assert.Equal(2, (int)trace["summary"]!["droppedSpanCount"]!);
    }

    [Fact]
    public async Task Attributes_are_cut_to_the_count_and_length_limits()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:TelemetryLimits:MaxAttributeCount"] = "5",
            ["TraceLab:TelemetryLimits:MaxAttributeLength"] = "4",
        });
        var traceId = OtlpRequests.NewTraceId();
        await server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op", attributeCount: 8)));

        var span = (await server.Api.GetJsonAsync($"/api/traces/{OtlpRequests.Hex(traceId)}"))["spans"]![0]!;
        var attributes = span["attributes"].Arr();
        Assert.Equal(5, attributes.Count);
        Assert.Equal(3, (int)span["droppedAttributesCount"]!);
        Assert.All(attributes, a => Assert.Equal("valu", a!["value"].Str()));
    }

    [Fact]
    public async Task Traces_assemble_whatever_the_arrival_order_and_duplicates_count_once()
    {
        await using var server = await TraceLabServer.StartAsync();
        var traceId = OtlpRequests.NewTraceId();
        var (root, child, grandchild) = (OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId());

        // Grandchild first, from another service, then the child twice (an exporter retry), the root last.
        await server.PostTracesOkAsync(OtlpRequests.Traces("db", OtlpRequests.Span(traceId, grandchild, child, "query", startOffsetMs: 2, durationMs: 1)));
        var partial = await server.Api.GetJsonAsync($"/api/traces/{OtlpRequests.Hex(traceId)}");
        Assert.True((bool)partial["spans"]![0]!["parentNotReceived"]!);
        Assert.False((bool)partial["summary"]!["rootReceived"]!);

        var childSpan = OtlpRequests.Span(traceId, child, root, "handle", startOffsetMs: 1, durationMs: 5);
        await server.PostTracesOkAsync(OtlpRequests.Traces("api", childSpan));
        await server.PostTracesOkAsync(OtlpRequests.Traces("api", childSpan));
        await server.PostTracesOkAsync(OtlpRequests.Traces("edge", OtlpRequests.Span(traceId, root, null, "request", durationMs: 10)));

        var trace = await server.Api.GetJsonAsync($"/api/traces/{OtlpRequests.Hex(traceId)}");
        Assert.Equal(3, (int)trace["summary"]!["spanCount"]!);
        Assert.Equal("edge: request", trace["summary"]!["name"].Str());
        Assert.True((bool)trace["summary"]!["rootReceived"]!);
        Assert.Equal(["0:request", "1:handle", "2:query"], trace["spans"].Arr().Select(s => $"{(int)s!["depth"]!}:{s["name"].Str()}").ToArray());
        Assert.All(trace["spans"].Arr(), s => Assert.False((bool)s!["parentNotReceived"]!));
        Assert.Equal(2, trace["hops"].Arr().Count);
    }

    [Fact]
    public async Task Concurrent_exporters_lose_nothing_below_the_limits()
    {
        await using var server = await TraceLabServer.StartAsync();
        const int exporters = 16, tracesPerExporter = 40, spansPerTrace = 5;
        var allTraceIds = new System.Collections.Concurrent.ConcurrentBag<byte[]>();

        await Parallel.ForEachAsync(Enumerable.Range(0, exporters), new ParallelOptions { MaxDegreeOfParallelism = exporters }, async (exporter, _) =>
        {
            using var client = new HttpClient { BaseAddress = new Uri(server.OtlpHttpUrl) };
            client.DefaultRequestHeaders.Add("x-otlp-api-key", TraceLabServer.ApiKey);
            for (var t = 0; t < tracesPerExporter; t++)
            {
                var traceId = OtlpRequests.NewTraceId();
                allTraceIds.Add(traceId);
                var rootId = OtlpRequests.NewSpanId();

                // Each trace arrives in two exports, children first.
                var children = Enumerable.Range(1, spansPerTrace - 1).Select(i => OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), rootId, $"child{i}", (ulong)i)).ToArray();
                using var first = await client.PostAsync("/v1/traces", OtlpRequests.Protobuf(OtlpRequests.Traces($"svc{exporter}", children)));
                using var second = await client.PostAsync("/v1/traces", OtlpRequests.Protobuf(OtlpRequests.Traces($"svc{exporter}", OtlpRequests.Span(traceId, rootId, null, "root"))));
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            }
        });

        Assert.Equal(exporters * tracesPerExporter, server.Store.TraceCount);
        Assert.All(allTraceIds, id => Assert.Equal(spansPerTrace, server.Store.GetTrace(TraceId.FromBytes(id))!.Spans.Length));
        var list = await server.Api.GetJsonAsync("/api/traces?limit=1000");
        Assert.Equal(exporters * tracesPerExporter, (int)list["total"]!);
        Assert.All(list["items"].Arr(), t => Assert.True((bool)t!["rootReceived"]!));
    }

    [Fact]
    public async Task Logs_and_metric_points_are_bounded_oldest_first()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:TelemetryLimits:MaxLogCount"] = "3",
            ["TraceLab:TelemetryLimits:MaxMetricPointsPerResource"] = "3",
        });
        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Otlp.PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Logs("svc",
                new OpenTelemetry.Proto.Logs.V1.LogRecord { TimeUnixNano = OtlpRequests.Now, Body = new() { StringValue = $"log {i}" } })));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var logs = await server.Api.GetJsonAsync("/api/logs");
        Assert.Equal(["log 4", "log 3", "log 2"], logs["items"].Arr().Select(l => l!["body"].Str()).ToArray());

        // The SDK's cumulative counter sends one point per export, its running total: 1, 2, 3, ...
        // "quiet" exports twice, then "busy" five times: busy keeps its last three points, and quiet, under
        // the same limit, keeps its two (the limit is per resource, not a budget busy could take from).
        using var quietMeter = new Meter($"Test.Bounded.Quiet.{Guid.NewGuid():N}");
        using var busyMeter = new Meter($"Test.Bounded.Busy.{Guid.NewGuid():N}");
        using var quiet = OtlpPipelines.Metrics(server, OtlpExportProtocol.HttpProtobuf, "quiet", quietMeter.Name);
        using var busy = OtlpPipelines.Metrics(server, OtlpExportProtocol.HttpProtobuf, "busy", busyMeter.Name);
        CountAndExport(quietMeter.CreateCounter<long>("work.done"), quiet, times: 2);
        CountAndExport(busyMeter.CreateCounter<long>("work.done"), busy, times: 5);
        Assert.Equal(new double[] { 3, 4, 5 }, await CounterValuesAsync(server, "busy"));
        Assert.Equal(new double[] { 1, 2 }, await CounterValuesAsync(server, "quiet"));
    }

    private static void CountAndExport(Counter<long> counter, MeterProvider metrics, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Add(1);
            Assert.True(metrics.ForceFlush(10_000), "the OTLP metric exporter did not flush");
        }
    }

    private static async Task<double[]> CounterValuesAsync(TraceLabServer server, string service)
    {
        var resources = await server.Api.GetJsonAsync("/api/telemetry-resources");
        var resource = Uri.EscapeDataString(resources.Arr().Find("serviceName", service)!["id"].Str());
        var instruments = await server.Api.GetJsonAsync($"/api/metrics?resource={resource}");
        Assert.Equal(["work.done"], instruments.Arr().Select(i => i!["name"].Str()).ToArray());
        var points = await server.Api.GetJsonAsync($"/api/metrics/points?resource={resource}&name=work.done");
        return [.. Assert.Single(points.Arr())!["points"].Arr().Select(p => (double)p!["value"]!).Order()];
    }
}
