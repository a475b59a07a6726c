using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The attacks that once exhausted the Trace Lab, replayed against a real Trace Lab process under a GC heap
/// limit with small budgets, so the bound is reached in seconds: it must stay up, answer every export as
/// designed, keep serving queries, and stay under the bound README states for these settings.
/// </summary>
public sealed class MemoryAttackTests
{
    private const long MiB = 1024 * 1024;

    // README's bound for these settings: budgets 48 MiB, tables about 70 MiB (resources 16, scopes 4, keys 20,
    // strings 30), exports in flight 4 × 4 MiB × 3, a few connections' buffers, and the runtime's own 100 MiB
    // or so: under 300 MiB. The heap limit makes an overrun of the managed heap an OutOfMemoryException (a
    // 500 or a dead process) rather than a number; the resident bound catches what the limit would not.
    private const long HeapLimit = 384 * MiB;
    private const long ResidentBound = 512 * MiB;

    private static readonly Dictionary<string, string> SmallBudgets = new()
    {
        ["TraceLab:TelemetryLimits:MaxTraceCount"] = "5",
        ["TraceLab:TelemetryLimits:MaxSpanBytes"] = $"{32 * MiB}",
        ["TraceLab:TelemetryLimits:MaxLogBytes"] = $"{8 * MiB}",
        ["TraceLab:TelemetryLimits:MaxMetricBytes"] = $"{8 * MiB}",
        ["TraceLab:Otlp:MaxRequestBodySize"] = $"{4 * MiB}",
    };

    [Fact]
    public async Task Unique_keys_names_instances_and_metric_names_stay_within_the_bound()
    {
        await using var lab = await TraceLabProcess.StartAsync(SmallBudgets, HeapLimit);
        long peak = 0;

        async Task Attack(string what, int exports, Func<int, (string Path, Google.Protobuf.IMessage Body)> export)
        {
            await Parallel.ForAsync(0, exports, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancellation) =>
            {
                var (path, body) = export(i);
                using var response = await lab.Otlp.PostAsync(path, OtlpRequests.Protobuf(body), cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}, export {i}: {response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
            });

            Assert.False(lab.HasExited, $"{what}: the Trace Lab died: {lab.Output}");
            using var traces = await lab.Api.GetAsync("/api/traces");
            Assert.Equal(HttpStatusCode.OK, traces.StatusCode);
            using var resources = await lab.Api.GetAsync("/api/telemetry-resources");
            Assert.Equal(HttpStatusCode.OK, resources.StatusCode);
            var store = JsonNode.Parse(await lab.Api.GetStringAsync("/api/store"))!["usage"]!;
            Assert.InRange(store["spanBytes"]!.GetValue<long>(), 0, 32 * MiB);
            Assert.InRange(store["logBytes"]!.GetValue<long>(), 0, 8 * MiB);
            Assert.InRange(store["metricBytes"]!.GetValue<long>(), 0, 8 * MiB);
            peak = Math.Max(peak, lab.ResidentBytes);
            Assert.True(peak < ResidentBound, $"{what}: resident set {peak / MiB} MiB, over the {ResidentBound / MiB} MiB bound");
        }

        // Unique 8 KB attribute keys: once kept forever in the key table (82 MB to 1.1 GB, then OutOfMemory).
        await Attack("unique 8 KB keys", 600, i => ("/v1/traces", Traces($"svc", null, "op", Enumerable.Range(0, 48).Select(k => Unique(8 * 1024)).ToArray())));
        // More unique short keys than the key table holds.
        await Attack("unique short keys", 600, i => ("/v1/traces", Traces("svc", null, "op", Enumerable.Range(0, 128).Select(k => $"key.{i}.{k}").ToArray())));
        // Unique 1 MiB span names from unique instances: once a 500 for every export after about 60.
        await Attack("unique 1 MiB names and instances", 150, i => ("/v1/traces", Traces("svc", Unique(64), Unique(1024 * 1024), [])));
        // Logs with unique long keys and metrics with unique long names, from unique instances.
        await Attack("unique log keys", 150, i => ("/v1/logs", Logs(Unique(64), Enumerable.Range(0, 40).Select(k => Unique(8 * 1024)).ToArray())));
        await Attack("unique metric names", 150, i => ("/v1/metrics", Metrics(Unique(64), Enumerable.Range(0, 200).Select(k => Unique(1024)).ToArray())));

        var usage = JsonNode.Parse(await lab.Api.GetStringAsync("/api/store"))!["usage"]!;
        Assert.InRange(usage["resourceCount"]!.GetValue<int>(), 1, 1_000);
        Assert.InRange(usage["traceCount"]!.GetValue<int>(), 1, 5);
    }

    [Fact]
    public async Task Gzip_bodies_held_open_wait_their_turn_and_leave_nothing_behind()
    {
        // The attack: 40 connections each sending 16 KB of gzip that inflates to almost 16 MiB, then
        // stalling before the last bytes. Once 1.7 GB resident, kept for good by the shared array pool. No heap
        // limit here: the resident set itself must stay under the bound.
        await using var lab = await TraceLabProcess.StartAsync(new Dictionary<string, string>(), gcHeapHardLimit: null);
        var body = OtlpRequests.Gzip(new byte[(16 * 1024 * 1024) - 4096]);
        var uri = new Uri(lab.OtlpHttpUrl);
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, uri.Port);
                var head = $"POST /v1/traces HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/x-protobuf\r\n" +
                    $"Content-Encoding: gzip\r\nx-otlp-api-key: {TraceLabServer.ApiKey}\r\nContent-Length: {body.Length}\r\n\r\n";
                await socket.SendAsync(Encoding.ASCII.GetBytes(head));
                await socket.SendAsync(body.AsMemory(0, body.Length - 32));
            }

            // Long enough for every body to be inflated as far as it goes, and for Kestrel to cut the stalled ones off.
            long peak = 0;
            for (var i = 0; i < 80; i++)
            {
                peak = Math.Max(peak, lab.ResidentBytes);
                await Task.Delay(100);
            }

            Assert.False(lab.HasExited, $"the Trace Lab died: {lab.Output}");
            Assert.True(peak < ResidentBound, $"resident set {peak / MiB} MiB while bodies were held open, over the {ResidentBound / MiB} MiB bound");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // The stalled senders are gone (or cut off by Kestrel's minimum data rate): a real export goes through.
        using var response = await lab.Otlp.PostAsync("/v1/traces", OtlpRequests.Protobuf(Traces("svc", null, "after", [])));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Past_the_concurrent_read_limit_exports_and_imports_wait_for_a_turn()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:MaxConcurrentBodyReads"] = "1" });
        var uri = new Uri(server.OtlpHttpUrl);
        Task<HttpResponseMessage> export, import;
        using (var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            // One export that never finishes its body holds the only turn. It asks to be told when its body is
            // wanted (Expect: 100-continue): Kestrel answers "100 Continue" once the endpoint starts reading, so
            // the test knows the turn is taken before it sends anything else.
            await stalled.ConnectAsync(IPAddress.Loopback, uri.Port);
            await stalled.SendAsync(Encoding.ASCII.GetBytes($"POST /v1/traces HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/x-protobuf\r\n" +
                $"x-otlp-api-key: {TraceLabServer.ApiKey}\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"));
            var answer = new byte[256];
            using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var received = await stalled.ReceiveAsync(answer, SocketFlags.None, reading.Token);
            Assert.StartsWith("HTTP/1.1 100", Encoding.ASCII.GetString(answer, 0, received));
            await stalled.SendAsync(Encoding.ASCII.GetBytes("0123456789"));

            export = server.PostTracesAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "waits")));
            import = server.Api.PostAsync("/api/traces/import", new StringContent("{\"resourceSpans\":[]}", Encoding.UTF8, "application/json"));
            await Task.Delay(1500);
            Assert.False(export.IsCompleted, "an export was read while another held the only turn");
            Assert.False(import.IsCompleted, "an import was read while an export held the only turn");
        }

        // The stalled sender goes away: both get their turn and an answer.
        using var exported = await export.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        using var imported = await import.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True((int)imported.StatusCode < 500, $"{imported.StatusCode}");
    }

    [Fact]
    public async Task Large_grpc_exports_sharing_one_connection_all_get_their_turn()
    {
        // Over HTTP/2 the streams waiting for a turn hold part of their connection's window. With one turn and
        // the window too small, the stream being read would starve and hold its turn until cut off.
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:MaxConcurrentBodyReads"] = "1" });
        using var channel = server.CreateGrpcChannel();
        var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(channel);
        var headers = new Grpc.Core.Metadata { { "x-otlp-api-key", TraceLabServer.ApiKey } };
        var exports = Enumerable.Range(0, 12).Select(_ =>
        {
            var span = OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "large");
            span.Attributes.Add(Enumerable.Range(0, 64).Select(k => OtlpRequests.Attribute($"key.{k}", new string('v', 4_000))));
            return client.ExportAsync(OtlpRequests.Traces("svc", span), headers, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync;
        }).ToList();

        var answers = await Task.WhenAll(exports).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.All(answers, answer => Assert.Null(answer.PartialSuccess));
        Assert.Equal(12, server.Store.TraceCount);
    }

    [Fact]
    public async Task A_compressed_body_larger_than_the_limit_is_413_before_it_is_inflated()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:MaxRequestBodySize"] = $"{1 * MiB}" });
        var content = new ByteArrayContent(OtlpRequests.Gzip(RandomNumberGenerator.GetBytes((int)(2 * MiB))));
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await server.Otlp.PostAsync("/v1/traces", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("compressed", await response.Content.ReadAsStringAsync());
    }

    private static string Unique(int length)
    {
        var prefix = Guid.NewGuid().ToString("N");
        return length <= prefix.Length ? prefix[..length] : prefix + new string('k', length - prefix.Length);
    }

    private static Resource Resource(string? instance)
    {
        var resource = new Resource { Attributes = { OtlpRequests.Attribute("service.name", "attacker") } };
        if (instance is not null)
        {
            resource.Attributes.Add(OtlpRequests.Attribute("service.instance.id", instance));
        }

        return resource;
    }

    private static ExportTraceServiceRequest Traces(string service, string? instance, string name, string[] keys)
    {
        var span = OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, name);
        span.Attributes.Add(keys.Select(k => OtlpRequests.Attribute(k, "v")));
        var request = OtlpRequests.Traces(service, span);
        request.ResourceSpans[0].Resource = Resource(instance);
        return request;
    }

    private static ExportLogsServiceRequest Logs(string instance, string[] keys)
    {
        var record = new LogRecord { TimeUnixNano = OtlpRequests.Now, Body = new AnyValue { StringValue = "hello" } };
        record.Attributes.Add(keys.Select(k => OtlpRequests.Attribute(k, "v")));
        var request = OtlpRequests.Logs("attacker", record);
        request.ResourceLogs[0].Resource = Resource(instance);
        return request;
    }

    private static ExportMetricsServiceRequest Metrics(string instance, string[] names) => new()
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                Resource = Resource(instance),
                ScopeMetrics =
                {
                    new ScopeMetrics
                    {
                        Scope = new InstrumentationScope { Name = "test" },
                        Metrics = { names.Select(n => new Metric { Name = n, Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = OtlpRequests.Now, AsDouble = 1 } } } }) },
                    },
                },
            },
        },
    };

}
