using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The Trace Lab as a process of its own, for what an in-process server cannot show: its resident memory
/// under a GC heap limit, and whether it survives. Killed (with anything it started) on dispose.
/// </summary>
public sealed class TraceLabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TraceLabProcess(Process process, int frontend, int http)
    {
        _process = process;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontend}"), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TraceLabServer.Token);
        OtlpHttpUrl = $"http://127.0.0.1:{http}";
        Otlp = new HttpClient { BaseAddress = new Uri(OtlpHttpUrl), Timeout = TimeSpan.FromSeconds(60) };
        Otlp.DefaultRequestHeaders.Add("x-otlp-api-key", TraceLabServer.ApiKey);
    }

    public HttpClient Api { get; }

    public HttpClient Otlp { get; }

    public string OtlpHttpUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote, for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Resident set size now, from /proc.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
                }
            }

            throw new InvalidOperationException("no VmRSS line");
        }
    }

    /// <param name="settings">TraceLab settings, as configuration keys (TraceLab:TelemetryLimits:MaxTraceCount).</param>
    /// <param name="gcHeapHardLimit">The most managed heap the runtime may use (past it allocations fail), or null for no limit.</param>
    public static async Task<TraceLabProcess> StartAsync(IDictionary<string, string> settings, long? gcHeapHardLimit)
    {
        var (frontend, grpc, http) = (TraceLabServer.FreePort(), TraceLabServer.FreePort(), TraceLabServer.FreePort());
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "DistributedTracing.TraceLab.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (gcHeapHardLimit is { } limit)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = $"0x{limit:x}";
        }

        start.Environment["TraceLab__Frontend__EndpointUrl"] = $"http://127.0.0.1:{frontend}";
        start.Environment["TraceLab__Frontend__BrowserToken"] = TraceLabServer.Token;
        start.Environment["TraceLab__Otlp__GrpcEndpointUrl"] = $"http://127.0.0.1:{grpc}";
        start.Environment["TraceLab__Otlp__HttpEndpointUrl"] = $"http://127.0.0.1:{http}";
        start.Environment["TraceLab__Otlp__PrimaryApiKey"] = TraceLabServer.ApiKey;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var lab = new TraceLabProcess(Process.Start(start)!, frontend, http);
        lab._process.OutputDataReceived += (_, e) => lab.Append(e.Data);
        lab._process.ErrorDataReceived += (_, e) => lab.Append(e.Data);
        lab._process.BeginOutputReadLine();
        lab._process.BeginErrorReadLine();
        try
        {
            await lab.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            Assert.False(HasExited, $"the Trace Lab exited: {Output}");
            try
            {
                using var health = await Api.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"the Trace Lab was not healthy within {limit}: {Output}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Otlp.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
    }
}
