using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The AppHost's own app model started by Aspire.Hosting.Testing (DCP, real PostgreSQL and RabbitMQ, every
/// project), on random ports so it runs beside a demo, with the simulated shopper off (tests place their own
/// orders). Returned once every project is healthy. Every resource state change is recorded from before the
/// start, so tests can tell what happened in which order.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public static readonly string[] Projects = ["tracelab", "userservice", "orderservice", "notificationworker", "gateway", "shopper"];

    private readonly CancellationTokenSource _stopWatching;
    private readonly Task _watching;

    private TestApp(DistributedApplication app, ResourceTimeline timeline, Task watching, CancellationTokenSource stopWatching)
    {
        App = app;
        Timeline = timeline;
        _watching = watching;
        _stopWatching = stopWatching;
        BrowserToken = app.Services.GetRequiredService<IConfiguration>()["AppHost:BrowserToken"]!;
        Lab = new HttpClient { BaseAddress = app.GetEndpoint("tracelab", "http"), Timeout = TimeSpan.FromSeconds(20) };
        Lab.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BrowserToken);
        Gateway = new HttpClient { BaseAddress = app.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public DistributedApplication App { get; }

    /// <summary>Every resource snapshot published since before the start, in order.</summary>
    public ResourceTimeline Timeline { get; }

    /// <summary>The Trace Lab's browser token: Aspire's, or the one a test passed as AppHost:BrowserToken.</summary>
    public string BrowserToken { get; }

    /// <summary>The Trace Lab's UI and query APIs (its <c>http</c> endpoint), with the browser token.</summary>
    public HttpClient Lab { get; }

    public HttpClient Gateway { get; }

    public ResourceNotificationService Notifications => App.ResourceNotifications;

    /// <param name="args">The AppHost's command line (after <c>--Gateway:Port=0</c>).</param>
    /// <param name="dashboard">Run Aspire's dashboard too (random ports, its own browser token, which the Lab shares).</param>
    /// <param name="waitForHealthy">Return only once every project is healthy.</param>
    /// <param name="configure">Changes to the app model before it is built (a test's own settings or resources).</param>
    public static async Task<TestApp> StartAsync(string[]? args = null, bool dashboard = false, bool waitForHealthy = true,
        Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        // Without Aspire's dashboard the Lab makes up a token nothing prints; give it one the tests know.
        string[] allArgs = ["--Gateway:Port=0", .. dashboard ? Array.Empty<string>() : [$"--AppHost:BrowserToken={RandomNumberGenerator.GetHexString(32, lowercase: true)}"], .. args ?? []];
        var builder = await CreateBuilderAsync(allArgs, dashboard);
        configure?.Invoke(builder);
        DistributedApplication? app = null;
        TestApp? testApp = null;
        var stopWatching = new CancellationTokenSource();
        try
        {
            app = await builder.BuildAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var timeline = new ResourceTimeline();
            var watching = timeline.RecordAsync(app.ResourceNotifications, stopWatching.Token);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await app.StartAsync(timeout.Token).WaitAsync(timeout.Token);
            testApp = new TestApp(app, timeline, watching, stopWatching);
            if (waitForHealthy)
            {
                await Task.WhenAll(Projects.Select(p => app.ResourceNotifications.WaitForResourceHealthyAsync(p, timeout.Token))).WaitAsync(timeout.Token);
            }

            return testApp;
        }
        catch
        {
            if (testApp is not null)
            {
                await testApp.DisposeAsync();
            }
            else
            {
                await stopWatching.CancelAsync();
                await (app?.DisposeAsync() ?? builder.DisposeAsync()).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
                stopWatching.Dispose();
            }

            throw;
        }
    }

    /// <summary>The AppHost's builder as its Program leaves it, shopper off; nothing started yet.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(string[] args, bool dashboard = false)
    {
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<global::Projects.AppHost>(new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard }, args)
            .WaitAsync(TimeSpan.FromMinutes(1));
        var shopper = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "shopper");
        builder.CreateResourceBuilder(shopper).WithEnvironment("Shopper__Enabled", "false");
        // Resource output is kept by ResourceLoggerService for the tests; the test log gets the AppHost's own lines.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("DistributedTracing.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Warning));
        return builder;
    }

    /// <summary>Polls the Lab until <paramref name="condition"/> holds: telemetry arrives within about a second.</summary>
    public Task<JsonNode> WaitForLabAsync(string url, Func<JsonNode, bool> condition, int timeoutMs = 20_000) =>
        Polling.WaitForJsonAsync(Lab, url, condition, timeoutMs);

    /// <summary>
    /// Waits for an order's whole trace in the Lab: every service's side has arrived (the worker's database
    /// write, both UserService calls), no span waits for its parent, and nothing new came for 1.5 s (each
    /// service exports on its own schedule).
    /// </summary>
    public async Task<JsonNode> WaitForOrderTraceAsync(string traceId, int timeoutMs = 30_000)
    {
        var lastCount = -1;
        var since = DateTime.UtcNow;
        return await WaitForLabAsync($"/api/traces/{traceId}", trace =>
        {
            var spans = trace["spans"].Items().ToList();
            bool Has(string service, string kind, int count = 1) =>
                spans.Count(s => s["service"].Str() == service && s["kind"].Str() == kind) >= count;
            var complete = Has("gateway", "server") && Has("orderservice", "server") && Has("userservice", "server", 2)
                && Has("orderservice", "producer") && Has("notificationworker", "consumer")
                && spans.Any(s => s["service"].Str() == "notificationworker" && s.IsDatabaseSpan())
                && spans.All(s => !s["parentNotReceived"]!.GetValue<bool>());
            if (spans.Count != lastCount)
            {
                lastCount = spans.Count;
                since = DateTime.UtcNow;
            }

            return complete && DateTime.UtcNow - since > TimeSpan.FromSeconds(1.5);
        }, timeoutMs);
    }

    /// <summary>
    /// Aspire's dashboard (when the app runs one): its login link, and a client for its telemetry API
    /// (<c>/api/telemetry/*</c>) with the API key Aspire generated.
    /// </summary>
    public async Task<(Uri LoginUrl, HttpClient TelemetryApi)> AspireDashboardAsync()
    {
        var loginUrl = await App.GetDashboardUrlAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var api = new HttpClient { BaseAddress = new Uri(loginUrl.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(20) };
        api.DefaultRequestHeaders.Add("X-API-Key", App.Services.GetRequiredService<IConfiguration>()["AppHost:DashboardApiKey"]);
        return (loginUrl, api);
    }

    /// <summary>The latest snapshot of a resource.</summary>
    public CustomResourceSnapshot Snapshot(string resource) => Timeline.Events.Last(e => e.Resource == resource).Snapshot;

    /// <summary>The key the Lab asks OTLP exporters for (tracelab-otlp-api-key), as Aspire gave it to the Lab.</summary>
    public string LabOtlpApiKey => Snapshot("tracelab").EnvironmentVariables.Single(v => v.Name == "TraceLab__Otlp__PrimaryApiKey").Value!;

    public T Resource<T>() where T : IResource =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<T>().Single();

    /// <summary>Every line each resource has written so far (console output and what Aspire logged for it).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadAllLogsAsync()
    {
        var logs = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var resource in App.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            logs[resource.Name] = await ReadLogsAsync(resource.Name);
        }

        return logs;
    }

    /// <summary>Every line one resource has written so far.</summary>
    public async Task<IReadOnlyList<string>> ReadLogsAsync(string resourceName)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var lines = new List<string>();
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        Lab.Dispose();
        Gateway.Dispose();
        try
        {
            // Bounded: a stop that hangs fails the test run instead of holding it.
            await App.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            await _stopWatching.CancelAsync();
            await _watching.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            _stopWatching.Dispose();
        }
    }
}
