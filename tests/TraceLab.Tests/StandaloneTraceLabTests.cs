using System.Diagnostics;
using System.Net;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The Trace Lab as its own process, the way `dotnet run --project TraceLab` starts it.</summary>
public sealed class StandaloneTraceLabTests
{
    private static string TraceLabDll => Path.Combine(AppContext.BaseDirectory, "DistributedTracing.TraceLab.dll");

    private static Process Start(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [TraceLabDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    [Fact]
    public async Task Without_a_key_it_exits_with_a_clear_message()
    {
        using var process = Start(new()
        {
            ["TraceLab__Frontend__EndpointUrl"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["TraceLab__Otlp__GrpcEndpointUrl"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["TraceLab__Otlp__HttpEndpointUrl"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
        });
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            // One that did not exit in time is not left running.
            process.Kill(entireProcessTree: true);
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("TraceLab:Otlp:PrimaryApiKey is not set", await output + await errors);
    }

    [Fact]
    public async Task With_a_key_it_serves_and_prints_a_login_link_with_a_generated_token()
    {
        var frontend = TraceLabServer.FreePort();
        using var process = Start(new()
        {
            ["TraceLab__Frontend__EndpointUrl"] = $"http://127.0.0.1:{frontend}",
            ["TraceLab__Otlp__GrpcEndpointUrl"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["TraceLab__Otlp__HttpEndpointUrl"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["TraceLab__Otlp__PrimaryApiKey"] = "standalone-key",
        });
        try
        {
            string? token = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (token is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the Trace Lab exited");
                var marker = line.IndexOf("/login?t=", StringComparison.Ordinal);
                if (marker >= 0)
                {
                    Assert.Contains($"Login to the Trace Lab at http://127.0.0.1:{frontend}/login?t=", line);
                    token = line[(marker + 9)..].Trim();
                }
            }

            Assert.Matches("^[0-9a-f]{32}$", token);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontend}") };
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var api = await client.GetAsync("/api/traces");
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
