using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The far end dead or slow: the Lab's own ingest must answer as fast as ever and keep everything, while
/// the forwarder drops what does not fit its queue and counts it, and its queue never holds more than its caps.
/// </summary>
public sealed class ForwardingFailureTests
{
    // An ingest that waited for the forwarder would take the far end's seconds; a free Lab answers in milliseconds.
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_dead_far_end_costs_ingest_nothing_and_its_losses_are_counted()
    {
        const int exports = 300;
        const long maxQueuedBytes = 4096; // a dozen small exports
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}", // nothing listens there
            ["TraceLab:Forwarding:Headers"] = $"x-otlp-api-key={TraceLabServer.ApiKey}",
            ["TraceLab:Forwarding:MaxQueuedBytes"] = maxQueuedBytes.ToString(),
        });

        var (slowest, traceIds) = await ExportSteadilyAsync(lab, OtlpExportProtocol.Grpc, exports, async i =>
        {
            if (i % 10 == 0)
            {
                var status = await lab.Api.GetJsonAsync("/api/forwarding");
                Assert.True((long)status["queuedBytes"]! <= maxQueuedBytes, status.ToJsonString());
            }
        });

        Assert.True(slowest < FastEnough, $"the slowest export took {slowest}");
        Assert.Equal(exports, lab.Store.TraceCount);
        Assert.All(traceIds.Take(5), id => Assert.NotNull(lab.Store.GetTrace(Telemetry.TraceId.FromBytes(Convert.FromHexString(id)))));

        var final = await lab.Api.WaitForJsonAsync("/api/forwarding", s => (long)s["failed"]! >= 2 && (long)s["dropped"]! > 0);
        Assert.Equal(0, (long)final["forwarded"]!);
        Assert.True((long)final["queuedBytes"]! <= maxQueuedBytes);
        AssertEveryExportAccountedFor(final, exports);
    }

    [Fact]
    public async Task A_slow_far_end_costs_ingest_nothing_and_a_burst_past_the_queue_is_dropped_and_counted()
    {
        const int exports = 30;
        await using var receiver = await SlowOtlpReceiver.StartAsync(TimeSpan.FromSeconds(4));
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = receiver.Url,
            ["TraceLab:Forwarding:Protocol"] = "http/protobuf",
            ["TraceLab:Forwarding:MaxQueuedRequests"] = "3",
        });

        var (slowest, _) = await ExportSteadilyAsync(lab, OtlpExportProtocol.HttpProtobuf, exports, _ => Task.CompletedTask);

        Assert.True(slowest < FastEnough, $"the slowest export took {slowest}");
        Assert.Equal(exports, lab.Store.TraceCount);
        var status = await lab.Api.GetJsonAsync("/api/forwarding");
        Assert.True((int)status["queued"]! <= 3, status.ToJsonString());
        // The burst is over long before the far end's first answer: all but the queue's three are dropped.
        Assert.True((long)status["dropped"]! >= exports - 3 - 1, status.ToJsonString());
        AssertEveryExportAccountedFor(status, exports);
        await WaitUntilAsync(() => receiver.Received >= 1, "the slow far end was never reached");
    }

    /// <summary>One span per export (the SDK's simple processor exports as each span ends), timed one by one.</summary>
    private static async Task<(TimeSpan Slowest, List<string> TraceIds)> ExportSteadilyAsync(
        TraceLabServer lab, OtlpExportProtocol protocol, int count, Func<int, Task> between)
    {
        using var source = new ActivitySource("Test.Forwarding." + Guid.NewGuid().ToString("N")[..8]);
        using var tracing = OtlpPipelines.Traces(lab, protocol, "steady", source.Name);
        var slowest = TimeSpan.Zero;
        var traceIds = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var activity = source.StartActivity("tick " + i)!;
            traceIds.Add(activity.TraceId.ToHexString());
            var watch = Stopwatch.StartNew();
            activity.Dispose(); // exports now, on this thread, and returns when the Lab has answered
            if (i > 0) // the first also pays for connecting and for compiling both ends' code
            {
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            }

            await between(i);
        }

        return (slowest, traceIds);
    }

    private static void AssertEveryExportAccountedFor(JsonNode status, int exports) =>
        Assert.Equal(exports, (long)status["forwarded"]! + (long)status["dropped"]! + (long)status["failed"]! + (int)status["queued"]!);

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
