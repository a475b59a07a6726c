using System.Diagnostics;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// However the AppHost is stopped, nothing of its run is left: not DCP, Aspire's dashboard, a service,
/// postgres, beam.smp or epmd. A graceful stop deletes the run's folder on the way out; after SIGKILL the
/// next run deletes it.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public Task The_demos_orders_carry_baggage_and_Ctrl_C_stops_every_process_of_the_run_and_deletes_its_folder() =>
        StopGracefullyAsync(
            // What a terminal does on Ctrl+C: SIGINT to its foreground process group, `dotnet run` and the AppHost.
            run => ProcessTable.Signal(-run.DotnetRun.Id, ProcessTable.SIGINT),
            shopper: true,
            whileRunning: ShoppersOrdersCarryBaggageAsync);

    /// <summary>
    /// The demo as people see it: the simulated shopper's orders reach the worker, and the baggage it sets
    /// (shopper.user.id) is recorded by every service that received it, read from Aspire's dashboard.
    /// </summary>
    private static async Task ShoppersOrdersCarryBaggageAsync(AppHostRun run)
    {
        // The browser token buys the telemetry API's key, as the Aspire CLI does it.
        using var dashboard = new HttpClient { BaseAddress = run.DashboardUrl, Timeout = TimeSpan.FromSeconds(20) };
        using var exchange = await dashboard.PostAsJsonAsync("/api/telemetry/validateToken", new { token = run.BrowserToken });
        exchange.EnsureSuccessStatusCode();
        var apiKey = (await exchange.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["apiKey"].Str();
        dashboard.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        List<OtlpJsonSpan>? order = null;
        await Polling.WaitForJsonAsync(dashboard, "/api/telemetry/traces?limit=20", answer =>
        {
            order = OtlpJsonSpan.All(answer).GroupBy(s => s.TraceId).Select(t => t.ToList()).FirstOrDefault(spans =>
                spans.Any(s => s.Service == "shopper" && !s.HasParent) &&
                spans.Any(s => s.Service == "notificationworker" && s.Kind == OtlpJsonSpan.Consumer));
            return order is not null;
        }, timeoutMs: 60_000);

        var received = order!.Where(s => s.HasParent && s.Kind is OtlpJsonSpan.Server or OtlpJsonSpan.Consumer).ToList();
        Assert.Superset(new HashSet<string> { "gateway", "orderservice", "userservice", "notificationworker" }, received.Select(s => s.Service).ToHashSet());
        Assert.All(received, s => Assert.False(string.IsNullOrEmpty(s.Attribute("baggage.shopper.user.id")), $"{s.Service} {s.Span["name"]} has no baggage.shopper.user.id"));
    }

    [Fact]
    public Task SIGTERM_to_dotnet_run_stops_every_process_of_the_run_and_deletes_its_folder() =>
        StopGracefullyAsync(run => ProcessTable.Signal(run.DotnetRun.Id, ProcessTable.SIGTERM));

    [Fact]
    public Task SIGTERM_to_the_AppHost_stops_every_process_of_the_run_and_deletes_its_folder() =>
        StopGracefullyAsync(run => ProcessTable.Signal(run.AppHostPid, ProcessTable.SIGTERM));

    [Fact]
    public async Task After_SIGKILL_to_the_AppHost_no_process_remains_and_the_next_run_deletes_the_folder()
    {
        var started = Stopwatch.StartNew();
        await using var run = await AppHostRun.StartAsync();
        output.WriteLine($"{run.Processes.Count} processes up after {started.Elapsed}");
        ProcessTable.Signal(run.AppHostPid, ProcessTable.SIGKILL);

        var (allGone, took, remaining) = await run.WaitUntilGoneAsync(Bound);
        output.WriteLine($"all gone: {allGone}, after {took}");
        Assert.True(allGone, $"{remaining.Count} processes of the run still run {took} after SIGKILL to the AppHost:\n{string.Join("\n", remaining)}");
        await run.DotnetRun.WaitForExitAsync().WaitAsync(Bound);

        // Nobody was left to delete the folder (its data: postgres' and RabbitMQ's). The next run (here: the
        // AppHost's Program building its model) deletes it first, seeing that its apphost.pid is gone. (Another
        // run on the machine, a demo or a test beside this one, may have been first: then it is gone already.)
        output.WriteLine(Directory.Exists(run.RunFolder) ? $"{run.RunFolder} left behind, as expected" : $"{run.RunFolder} already deleted by another run");
        var before = Directory.GetDirectories(DistributedTracing.Hosting.LocalServers.RunFolder.BaseDirectory);
        await using (var next = await TestApp.CreateBuilderAsync(["--Gateway:Port=0"]))
        {
            Assert.False(Directory.Exists(run.RunFolder), $"{run.RunFolder} is still there after the next run started");
        }

        // That run never started, so it made no folder of its own.
        Assert.DoesNotContain(Directory.GetDirectories(DistributedTracing.Hosting.LocalServers.RunFolder.BaseDirectory).Except(before),
            dir => AppHostRun.OwnerOf(dir) == Environment.ProcessId);
    }

    private async Task StopGracefullyAsync(Action<AppHostRun> stop, bool shopper = false, Func<AppHostRun, Task>? whileRunning = null)
    {
        var started = Stopwatch.StartNew();
        await using var run = await AppHostRun.StartAsync(shopper);
        output.WriteLine($"{run.Processes.Count} processes up after {started.Elapsed}:\n{string.Join("\n", run.Processes)}");
        Assert.Contains(run.Processes, p => p.CommandLine.Contains("/dcp ", StringComparison.Ordinal) && run.MonitorsAppHost(p));
        if (whileRunning is not null)
        {
            await whileRunning(run);
        }

        stop(run);

        var (allGone, took, remaining) = await run.WaitUntilGoneAsync(Bound);
        output.WriteLine($"all gone: {allGone}, after {took}");
        Assert.True(allGone, $"{remaining.Count} processes of the run still run {took} after the signal:\n{string.Join("\n", remaining)}\nOutput:\n{run.Output}");
        await run.DotnetRun.WaitForExitAsync().WaitAsync(Bound);
        Assert.True(await Polling.UntilAsync(() => !Directory.Exists(run.RunFolder), TimeSpan.FromSeconds(10)), $"{run.RunFolder} is still there:\n{run.Output}");
    }
}
