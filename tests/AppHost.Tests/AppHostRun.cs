using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The AppHost as people run it: <c>dotnet run --project AppHost</c> from the repository's root, in a session
/// of its own (so a signal to its process group reaches it and nothing else), with the default reaction to
/// SIGINT and SIGTERM whatever the test runner ignores. Its dashboard gets free ports (a demo may hold
/// 18888), the gateway any free port, and the shopper is off. Once every project's process runs, the run's
/// processes are recorded: the AppHost, DCP (started with <c>--monitor APPHOST_PID</c>) and everything
/// below DCP (the dashboard, the local servers' launchers, postgres, epmd, beam.smp, `dotnet run` and each
/// service). Every process of the run also carries the run's own marker in its environment (inherited from
/// `dotnet run`), which finds it wherever it has been reparented to. Other runs on the machine are never
/// counted, and never touched.
/// </summary>
public sealed class AppHostRun : IAsyncDisposable
{
    private static readonly string[] ServiceBinaries =
        ["DistributedTracing.TraceLab", "DistributedTracing.UserService", "DistributedTracing.OrderService",
         "DistributedTracing.NotificationWorker", "DistributedTracing.Gateway", "DistributedTracing.Shopper"];

    private const string MarkerVariable = "DISTRIBUTED_TRACING_TEST_RUN";

    private readonly List<string> _output = [];
    private readonly List<ProcessEntry> _recorded = [];

    /// <summary>NAME=VALUE in the environment of every process this run started, and of no other.</summary>
    private readonly string _marker;

    private AppHostRun(Process dotnetRun, string marker)
    {
        DotnetRun = dotnetRun;
        _marker = marker;
    }

    /// <summary><c>dotnet run</c>: the leader of the run's session and process group.</summary>
    public Process DotnetRun { get; }

    public int AppHostPid { get; private set; }

    /// <summary>The run's folder under /tmp/distributed-tracing-USER (its apphost.pid names this AppHost).</summary>
    public string RunFolder { get; private set; } = "";

    /// <summary>Every process of the run, recorded once all of them had started.</summary>
    public IReadOnlyList<ProcessEntry> Processes => _recorded;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output.TakeLast(60));
            }
        }
    }

    /// <summary>Aspire's dashboard, and the browser token it (and the Trace Lab) was given.</summary>
    public Uri DashboardUrl { get; private init; } = null!;

    public string BrowserToken { get; private init; } = "";

    /// <param name="shopper">Let the simulated shopper place orders, as in the demo.</param>
    public static async Task<AppHostRun> StartAsync(bool shopper = false)
    {
        var dashboardUrl = new Uri($"http://localhost:{FreePort()}");
        var browserToken = System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "env", "--default-signal=INT,TERM", "dotnet", "run", "--project", "AppHost", "--no-build", "-c", "Release", "--",
            "--Gateway:Port=0",
            $"--ASPNETCORE_URLS={dashboardUrl.GetLeftPart(UriPartial.Authority)}",
            $"--ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN={browserToken}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{FreePort()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{FreePort()}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Shopper__Enabled"] = shopper ? "true" : "false";
        start.Environment["Shopper__IntervalSeconds"] = "0.5";
        var runId = Guid.NewGuid().ToString("N");
        start.Environment[MarkerVariable] = runId;
        var run = new AppHostRun(Process.Start(start)!, $"{MarkerVariable}={runId}") { DashboardUrl = dashboardUrl, BrowserToken = browserToken };
        run.DotnetRun.OutputDataReceived += (_, e) => run.Collect(e.Data);
        run.DotnetRun.ErrorDataReceived += (_, e) => run.Collect(e.Data);
        run.DotnetRun.BeginOutputReadLine();
        run.DotnetRun.BeginErrorReadLine();
        try
        {
            await run.WaitUntilUpAsync(TimeSpan.FromMinutes(3));
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilUpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(DotnetRun.HasExited, $"dotnet run exited with {(DotnetRun.HasExited ? DotnetRun.ExitCode : 0)}:\n{Output}");
            var all = ProcessTable.Read();
            AppHostPid = ProcessTable.Children(all, DotnetRun.Id).FirstOrDefault(p => p.CommandLine.Contains("DistributedTracing.AppHost", StringComparison.Ordinal))?.Pid ?? 0;
            var processes = AppHostPid == 0 ? [] : ProcessesOfRun(all);
            var running = processes.Select(p => p.CommandLine).ToList();
            bool Runs(string text) => running.Any(c => c.Contains(text, StringComparison.Ordinal));
            if (ServiceBinaries.All(b => Runs($"/{b} ") || running.Any(c => c.EndsWith($"/{b}", StringComparison.Ordinal)))
                && Runs("Aspire.Dashboard") && Runs("postgres -D") && Runs("beam.smp") && Runs("epmd"))
            {
                _recorded.AddRange(processes);
                // This run's folder, and no other run's: its apphost.pid names this AppHost. Made before DCP started anything.
                var folders = Directory.Exists(DistributedTracing.Hosting.LocalServers.RunFolder.BaseDirectory)
                    ? Directory.GetDirectories(DistributedTracing.Hosting.LocalServers.RunFolder.BaseDirectory).Where(dir => OwnerOf(dir) == AppHostPid).ToList()
                    : [];
                Assert.True(folders.Count == 1, $"The AppHost {AppHostPid} runs, with {folders.Count} run folders of its own under {DistributedTracing.Hosting.LocalServers.RunFolder.BaseDirectory}");
                RunFolder = folders[0];
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The run did not start every process in {timeout}; running:\n{string.Join("\n", processes)}\nOutput:\n{Output}");
            await Task.Delay(500);
        }
    }

    /// <summary>The AppHost whose run folder <paramref name="folder"/> is (its apphost.pid), or 0.</summary>
    public static int OwnerOf(string folder)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(folder, "apphost.pid")), CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The processes of this run that still run: those recorded at the start (by id and start time, wherever
    /// they have been reparented to since), and any new one below this run's DCP, naming this run's folder or
    /// carrying this run's marker.
    /// </summary>
    public IReadOnlyList<ProcessEntry> RemainingProcesses()
    {
        var all = ProcessTable.Read();
        var remaining = _recorded.Where(ProcessTable.IsAlive).ToList();
        remaining.AddRange(all.Where(p => p.Pid != Environment.ProcessId && ProcessTable.HasEnvironmentVariable(p.Pid, _marker)));
        if (AppHostPid != 0)
        {
            remaining.AddRange(ProcessesOfRun(all));
        }

        if (RunFolder.Length > 0)
        {
            remaining.AddRange(all.Where(p => p.CommandLine.Contains(RunFolder + "/", StringComparison.Ordinal)));
        }

        return [.. remaining.DistinctBy(p => (p.Pid, p.StartTime))];
    }

    /// <summary>The AppHost, DCP (which monitors it) and everything below either, as the table shows them now.</summary>
    private IReadOnlyList<ProcessEntry> ProcessesOfRun(IReadOnlyList<ProcessEntry> all)
    {
        var roots = all.Where(p => p.Pid == AppHostPid || MonitorsAppHost(p)).ToList();
        return [.. roots.Concat(roots.SelectMany(r => ProcessTable.Descendants(all, r.Pid))).DistinctBy(p => p.Pid)];
    }

    /// <summary>DCP's API server, started by the AppHost to watch it: <c>dcp start-apiserver --monitor APPHOST_PID ...</c>.</summary>
    public bool MonitorsAppHost(ProcessEntry process) =>
        (process.CommandLine + " ").Contains($" --monitor {AppHostPid} ", StringComparison.Ordinal);

    /// <summary>Waits until no process of the run remains; false (and what remains) if some still run after <paramref name="timeout"/>.</summary>
    public async Task<(bool AllGone, TimeSpan Took, IReadOnlyList<ProcessEntry> Remaining)> WaitUntilGoneAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<ProcessEntry> remaining;
        while ((remaining = RemainingProcesses()).Count > 0 && stopwatch.Elapsed < timeout)
        {
            await Task.Delay(250);
        }

        return (remaining.Count == 0, stopwatch.Elapsed, remaining);
    }

    /// <summary>
    /// Whatever the test did (an assertion failed, the start timed out), nothing of this run outlives it: every
    /// process of the run is killed until none is left (a dying DCP may still start one), then its folder deleted.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<ProcessEntry> remaining;
        while ((remaining = RemainingProcesses()).Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var process in remaining)
            {
                try
                {
                    ProcessTable.Signal(process.Pid, ProcessTable.SIGKILL);
                }
                catch (InvalidOperationException)
                {
                    // Gone meanwhile.
                }
            }

            await Task.Delay(200);
        }

        try
        {
            if (!DotnetRun.HasExited)
            {
                DotnetRun.Kill(entireProcessTree: true);
            }

            await DotnetRun.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            DotnetRun.Dispose();
            DeleteRunFolder();
        }
    }

    private void DeleteRunFolder()
    {
        if (RunFolder.Length > 0 && Directory.Exists(RunFolder))
        {
            try
            {
                Directory.Delete(RunFolder, recursive: true);
            }
            catch (IOException)
            {
                // A server killed a moment ago may still be removing its own files, or the next run deleted it.
            }
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("DistributedTracing.sln").Length > 0)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No DistributedTracing.sln above " + AppContext.BaseDirectory);
    }

    // Below the kernel's ephemeral range (32768 and up), where no outgoing connection takes it before the AppHost binds it.
    private static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(15_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
