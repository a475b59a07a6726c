using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using DistributedTracing.Hosting;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Testing;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The AppHost's app model, started from its own Program the way Aspire.Hosting.Testing does, on free
/// ports (so it runs beside a demo) and with the simulated shopper off (tests place their own orders).
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(DistributedApplication app)
    {
        App = app;
        var dashboard = app.Resource<DashboardResource>("dashboard");
        Dashboard = new HttpClient { BaseAddress = new Uri(dashboard.Frontend.Url) };
        Dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.BrowserToken);
        Gateway = new HttpClient { BaseAddress = app.GetEndpoint("gateway") };
    }

    public DistributedApplication App { get; }

    /// <summary>The dashboard's query APIs, with the browser token.</summary>
    public HttpClient Dashboard { get; }

    public HttpClient Gateway { get; }

    public DashboardResource DashboardResource => App.Resource<DashboardResource>("dashboard");

    public static async Task<RunningApp> StartAsync(params string[] extraArgs)
    {
        string[] args = ["--Dashboard:Frontend:Port=0", "--Dashboard:Otlp:GrpcPort=0", "--Dashboard:Otlp:HttpPort=0", "--Gateway:Port=0", .. extraArgs];
        var app = await DistributedApplicationTestHook.BuildAsync(typeof(Program).Assembly, args, builder =>
            builder.Resources.First(r => r.Name == "shopper").Annotations.Add(new EnvironmentAnnotation("Shopper__Enabled", () => "false")));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await app.StartAsync(timeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RunningApp(app);
    }

    /// <summary>Polls the dashboard until <paramref name="condition"/> holds: telemetry arrives within about a second.</summary>
    public async Task<JsonNode> WaitForAsync(string url, Func<JsonNode, bool> condition, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Dashboard.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(250);
        }

        var text = last?.ToJsonString() ?? "(no answer)";
        Assert.Fail($"{url} did not reach the expected state in {timeoutMs} ms; last: {(text.Length > 2000 ? text[..2000] : text)}");
        return null!;
    }

    /// <summary>
    /// Waits for an order's whole trace: every service's side has arrived (the worker's database write, both
    /// UserService calls), no span waits for its parent, and nothing new came for 1.5 s (each service
    /// exports on its own one-second schedule).
    /// </summary>
    public async Task<JsonNode> WaitForOrderTraceAsync(string traceId)
    {
        var lastCount = -1;
        var since = DateTime.UtcNow;
        return await WaitForAsync($"/api/traces/{traceId}", trace =>
        {
            var spans = trace["spans"]!.AsArray().Select(s => s!).ToList();
            bool Has(string service, string kind, int count = 1) =>
                spans.Count(s => s["service"]!.GetValue<string>() == service && s["kind"]!.GetValue<string>() == kind) >= count;
            var complete = Has("gateway", "server") && Has("orderservice", "server") && Has("userservice", "server", 2)
                && Has("orderservice", "producer") && Has("notificationworker", "consumer")
                && spans.Any(s => s["service"]!.GetValue<string>() == "notificationworker" && (s.Attribute("db.system") ?? s.Attribute("db.system.name")) is not null)
                && spans.All(s => !s["parentNotReceived"]!.GetValue<bool>());
            if (spans.Count != lastCount)
            {
                lastCount = spans.Count;
                since = DateTime.UtcNow;
            }

            return complete && DateTime.UtcNow - since > TimeSpan.FromSeconds(1.5);
        });
    }

    public async ValueTask DisposeAsync()
    {
        Dashboard.Dispose();
        Gateway.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>One app for the tests of a class.</summary>
public sealed class RunningAppFixture : IAsyncLifetime
{
    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The test classes that only read from a running app share one, started once.</summary>
[CollectionDefinition(Name)]
public sealed class RunningAppCollection : ICollectionFixture<RunningAppFixture>
{
    public const string Name = "running app";
}
