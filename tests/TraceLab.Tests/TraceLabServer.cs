using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using DistributedTracing.TraceLab.Extensions;
using DistributedTracing.TraceLab.Telemetry;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// A real Trace Lab on real sockets (free loopback ports, so tests run beside a running demo),
/// built with the same extension methods as Program.cs.
/// </summary>
public sealed class TraceLabServer : IAsyncDisposable
{
    public const string ApiKey = "test-primary-key";
    public const string SecondaryApiKey = "test-secondary-key";
    public const string Token = "test-browser-token";

    private readonly WebApplication _app;

    private TraceLabServer(WebApplication app, int frontendPort, int grpcPort, int httpPort)
    {
        _app = app;
        FrontendUrl = $"http://127.0.0.1:{frontendPort}";
        OtlpGrpcUrl = $"http://127.0.0.1:{grpcPort}";
        OtlpHttpUrl = $"http://127.0.0.1:{httpPort}";
        Api = new HttpClient { BaseAddress = new Uri(FrontendUrl) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Otlp = new HttpClient { BaseAddress = new Uri(OtlpHttpUrl) };
        Otlp.DefaultRequestHeaders.Add("x-otlp-api-key", ApiKey);
    }

    public string FrontendUrl { get; }

    public string OtlpGrpcUrl { get; }

    public string OtlpHttpUrl { get; }

    /// <summary>Frontend client with the bearer token.</summary>
    public HttpClient Api { get; }

    /// <summary>OTLP/HTTP client with the API key.</summary>
    public HttpClient Otlp { get; }

    public TelemetryStore Store => _app.Services.GetRequiredService<TelemetryStore>();

    /// <summary>The running server's services (its endpoint data source, for one).</summary>
    public IServiceProvider Services => _app.Services;

    public GrpcChannel CreateGrpcChannel() => GrpcChannel.ForAddress(OtlpGrpcUrl);

    /// <param name="settings">Configuration on top of the test defaults (ports, token, key).</param>
    /// <param name="logs">When given, every log entry at every level goes there (and nowhere else).</param>
    public static async Task<TraceLabServer> StartAsync(IDictionary<string, string?>? settings = null, CapturedLogs? logs = null)
    {
        // A port found free can still be taken before Kestrel binds it (by a process beside the tests):
        // then start again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(settings, logs);
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5)
            {
            }
        }
    }

    private static async Task<TraceLabServer> TryStartAsync(IDictionary<string, string?>? settings, CapturedLogs? logs)
    {
        var (frontend, grpc, http) = (FreePort(), FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            // The most a user could turn on; the Trace Lab's own filters (AddTraceLab) still apply, as in production.
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        }

        var config = new Dictionary<string, string?>
        {
            ["TraceLab:Frontend:EndpointUrl"] = $"http://127.0.0.1:{frontend}",
            ["TraceLab:Frontend:BrowserToken"] = Token,
            ["TraceLab:Otlp:GrpcEndpointUrl"] = $"http://127.0.0.1:{grpc}",
            ["TraceLab:Otlp:HttpEndpointUrl"] = $"http://127.0.0.1:{http}",
            ["TraceLab:Otlp:PrimaryApiKey"] = ApiKey,
            ["TraceLab:Otlp:SecondaryApiKey"] = SecondaryApiKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.AddTraceLab();
        var app = builder.Build();
        app.MapTraceLab();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TraceLabServer(app, frontend, grpc, http);
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768 and up): a port from bind(0) is one that any
    /// outgoing connection of the tests running beside this one may take before the Trace Lab binds it.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(10_000, 15_000); // below the range the Hosting engine draws from (15000 up), for tests beside an app
            lock (HandedOut)
            {
                // Tests in this process run in parallel: never hand the same port out twice.
                if (!HandedOut.Add(port))
                {
                    continue;
                }
            }

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

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Otlp.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
