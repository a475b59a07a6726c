using System.Diagnostics;
using System.Net;
using DistributedTracing.Hosting;

namespace DistributedTracing.AppHost.Tests;

/// <summary>The AppHost as people run it: its own process, stopped by Ctrl+C, or killed outright.</summary>
public sealed class AppHostProcessTests
{
    private sealed record AppHostProcess(Process Process, List<string> Output, int DashboardPort, int GatewayPort);

    /// <param name="underShell">Start it from a shell that stays its parent (as `dotnet run` does), not directly.</param>
    /// <param name="shopper">Leave the simulated shopper on, as in the demo (the other tests place their own orders).</param>
    private static async Task<AppHostProcess> StartAppHostAsync(bool underShell = false, bool shopper = false)
    {
        var dashboard = FreePort();
        var gateway = FreePort();
        string[] command = ["dotnet", Path.Combine(AppContext.BaseDirectory, "DistributedTracing.AppHost.dll"),
            $"--Dashboard:Frontend:Port={dashboard}", "--Dashboard:Otlp:GrpcPort=0", "--Dashboard:Otlp:HttpPort=0", $"--Gateway:Port={gateway}"];
        var start = new ProcessStartInfo(underShell ? "bash" : command[0], underShell ? ["-c", string.Join(' ', command) + "; true"] : command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Shopper__Enabled"] = shopper ? "true" : "false";
        start.Environment["Shopper__IntervalSeconds"] = "0.5";
        var process = Process.Start(start)!;
        var output = new List<string>();
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(e.Data);
            }

            if (e.Data.Contains("Login to the dashboard at", StringComparison.Ordinal))
            {
                healthy.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await healthy.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The AppHost did not become healthy:\n" + string.Join("\n", output));
        }

        return new AppHostProcess(process, output, dashboard, gateway);
    }

    // Below the kernel's ephemeral range (32768 and up), where no outgoing connection takes it before the AppHost binds it.
    private static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(15_000, 32_000);
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
    }

    private static IReadOnlyList<int> ChildSessions(int appHostPid) =>
        [.. Process.GetProcesses().Where(p => ParentOf(p.Id) == appHostPid).Select(p => p.Id)];

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    [Fact]
    public async Task The_demo_places_orders_with_baggage_and_Ctrl_C_stops_every_child()
    {
        var apphost = await StartAppHostAsync(shopper: true);
        var children = ChildSessions(apphost.Process.Id);
        Assert.True(children.Count >= 9, $"expected at least 9 child processes, found {children.Count}");
        var prefix = $"Login to the dashboard at http://127.0.0.1:{apphost.DashboardPort}/login?t=";
        string login;
        lock (apphost.Output)
        {
            login = apphost.Output.Single(line => line.StartsWith(prefix, StringComparison.Ordinal));
        }

        // The simulated shopper's orders reach every service, its baggage crossing each hop.
        using var dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apphost.DashboardPort}") };
        dashboard.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login[prefix.Length..]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        System.Text.Json.Nodes.JsonNode? order = null;
        while (order is null && DateTime.UtcNow < deadline)
        {
            var list = System.Text.Json.Nodes.JsonNode.Parse(await dashboard.GetStringAsync("/api/traces?service=notificationworker&text=place%20order&limit=50"))!;
            foreach (var summary in list["items"]!.AsArray())
            {
                var trace = System.Text.Json.Nodes.JsonNode.Parse(await dashboard.GetStringAsync($"/api/traces/{summary!["traceId"]!.GetValue<string>()}"))!;
                var hops = trace["hops"]!.AsArray();
                if (trace["summary"]!["rootService"]!.GetValue<string>() == "shopper" && hops.Count >= 5 &&
                    hops.Any(h => h!["carrier"]!.GetValue<string>() == "messaging"))
                {
                    order = trace;
                    break;
                }
            }

            await Task.Delay(500);
        }

        Assert.True(order is not null, "no order from the shopper reached the worker within a minute");
        Assert.All(order["hops"]!.AsArray(), hop => Assert.Contains(
            hop!["context"]!["baggage"]!.AsArray(), b => b!["key"]!.GetValue<string>() == "shopper.user.id"));

        var stopwatch = Stopwatch.StartNew();
        Hosting.Processes.ProcessSignals.Interrupt(apphost.Process.Id);
        await apphost.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, apphost.Process.ExitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {stopwatch.Elapsed}");
        Assert.All(children, pid => Assert.False(DistributedApplication.ProcessGroupExists(pid), $"child {pid} still runs"));
        Assert.Contains(apphost.Output, line => line.Contains("nothing is left running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_whoever_started_the_AppHost_dies_it_stops_everything()
    {
        var shell = await StartAppHostAsync(underShell: true);
        var appHost = ChildSessions(shell.Process.Id).Single();
        var children = ChildSessions(appHost);
        Assert.True(children.Count >= 9, $"expected at least 9 child processes, found {children.Count}");

        shell.Process.Kill(); // like SIGTERM to `dotnet run`, which does not pass it on
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (Hosting.Processes.ProcessSignals.IsRunning(appHost) || children.Any(DistributedApplication.ProcessGroupExists)))
        {
            await Task.Delay(250);
        }

        Assert.All(children, pid => Assert.False(DistributedApplication.ProcessGroupExists(pid), $"child {pid} still runs"));
        Assert.False(Hosting.Processes.ProcessSignals.IsRunning(appHost), "the AppHost still runs");
    }

    [Fact]
    public async Task After_the_AppHost_is_killed_the_next_run_cleans_up_what_it_left()
    {
        var killed = await StartAppHostAsync();
        var orphans = ChildSessions(killed.Process.Id);
        killed.Process.Kill(); // the AppHost only: its children live on in their own sessions
        await killed.Process.WaitForExitAsync();
        Assert.Contains(orphans, DistributedApplication.ProcessGroupExists);

        // The next run wants the same dashboard port the orphaned dashboard still holds.
        await using var next = await RunningApp.StartAsync($"--Dashboard:Frontend:Port={killed.DashboardPort}");
        Assert.All(orphans, pid => Assert.False(DistributedApplication.ProcessGroupExists(pid), $"orphan {pid} still runs"));
        using var health = await next.Dashboard.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
