using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DistributedTracing.Dashboard.Bench;

/// <summary>The dashboard in its own process, with the runtime settings it ships with.</summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    public const string ApiKey = "bench-key";
    public const string Token = "bench-token";

    private readonly Process _process;

    private DashboardProcess(Process process, int frontend, int grpc, int http)
    {
        _process = process;
        FrontendUrl = $"http://127.0.0.1:{frontend}";
        GrpcUrl = $"http://127.0.0.1:{grpc}";
        HttpUrl = $"http://127.0.0.1:{http}";
    }

    public string FrontendUrl { get; }

    public string GrpcUrl { get; }

    public string HttpUrl { get; }

    public static async Task<DashboardProcess> StartAsync(int maxTraceCount)
    {
        var (frontend, grpc, http) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DistributedTracing.Dashboard.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Dashboard__Frontend__EndpointUrl"] = $"http://127.0.0.1:{frontend}";
        start.Environment["Dashboard__Frontend__BrowserToken"] = Token;
        start.Environment["Dashboard__Otlp__GrpcEndpointUrl"] = $"http://127.0.0.1:{grpc}";
        start.Environment["Dashboard__Otlp__HttpEndpointUrl"] = $"http://127.0.0.1:{http}";
        start.Environment["Dashboard__Otlp__PrimaryApiKey"] = ApiKey;
        start.Environment["Dashboard__TelemetryLimits__MaxTraceCount"] = maxTraceCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("dashboard: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboard = new DashboardProcess(process, frontend, grpc, http);
        using var client = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(dashboard.FrontendUrl + "/health");
                if (response.IsSuccessStatusCode)
                {
                    return dashboard;
                }
            }
            catch (HttpRequestException) when (attempt < 100)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"the dashboard exited with code {process.ExitCode}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Resident set size of the dashboard process, in bytes (Linux /proc).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS line");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
