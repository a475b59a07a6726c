using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DistributedTracing.TraceLab.Bench;

/// <summary>The Trace Lab in its own process, with the runtime settings it ships with.</summary>
public sealed class TraceLabProcess : IAsyncDisposable
{
    public const string ApiKey = "bench-key";
    public const string Token = "bench-token";

    private readonly Process _process;

    private TraceLabProcess(Process process, int frontend, int grpc, int http)
    {
        _process = process;
        FrontendUrl = $"http://127.0.0.1:{frontend}";
        GrpcUrl = $"http://127.0.0.1:{grpc}";
        HttpUrl = $"http://127.0.0.1:{http}";
    }

    public string FrontendUrl { get; }

    public string GrpcUrl { get; }

    public string HttpUrl { get; }

    public static async Task<TraceLabProcess> StartAsync(int maxTraceCount)
    {
        var (frontend, grpc, http) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DistributedTracing.TraceLab.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["TraceLab__Frontend__EndpointUrl"] = $"http://127.0.0.1:{frontend}";
        start.Environment["TraceLab__Frontend__BrowserToken"] = Token;
        start.Environment["TraceLab__Otlp__GrpcEndpointUrl"] = $"http://127.0.0.1:{grpc}";
        start.Environment["TraceLab__Otlp__HttpEndpointUrl"] = $"http://127.0.0.1:{http}";
        start.Environment["TraceLab__Otlp__PrimaryApiKey"] = ApiKey;
        start.Environment["TraceLab__TelemetryLimits__MaxTraceCount"] = maxTraceCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("trace lab: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var lab = new TraceLabProcess(process, frontend, grpc, http);
        using var client = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(lab.FrontendUrl + "/health");
                if (response.IsSuccessStatusCode)
                {
                    return lab;
                }
            }
            catch (HttpRequestException) when (attempt < 100)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"the Trace Lab exited with code {process.ExitCode}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Resident set size of the Trace Lab process, in bytes (Linux /proc).</summary>
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
