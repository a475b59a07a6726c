using System.Diagnostics.Metrics;
using Microsoft.Playwright;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The Queues page in Chromium, fed the way the AppHost feeds it: observable gauges exported by the real
/// OpenTelemetry SDK over OTLP/gRPC, queue depths from service <c>messaging</c>, the outbox from <c>ordersdb</c>.
/// </summary>
public sealed class QueuesUiTests
{
    [Fact]
    public async Task The_page_shows_each_queue_and_the_outbox_live_from_exported_gauges()
    {
        await using var server = await TraceLabServer.StartAsync();
        var depths = new Dictionary<string, long> { ["orders"] = 7, ["orders.dead-letter"] = 1, ["orders.retry.1"] = 2, ["orders.retry.2"] = 0 };
        long pending = 3;
        using var queues = new Meter("test.queues." + Guid.NewGuid().ToString("N"));
        queues.CreateObservableGauge("rabbitmq.queue.messages", () =>
            depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("messaging.destination.name", d.Key))).ToList());
        using var outbox = new Meter("test.outbox." + Guid.NewGuid().ToString("N"));
        outbox.CreateObservableGauge("outbox.messages.pending", () => pending);
        outbox.CreateObservableGauge("outbox.messages.oldest_pending_age", () => 1500L, "ms");
        using var messaging = Gauges(server, "messaging", queues.Name);
        using var ordersDb = Gauges(server, "ordersdb", outbox.Name);

        messaging.ForceFlush();
        ordersDb.ForceFlush();
        await using var browser = await BrowserLogin.OpenAsync(server, "/queues");
        var page = browser.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queues" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Queues" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator("tr[data-queue='orders'] .value")).ToHaveTextAsync("7", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("tr[data-queue='orders.dead-letter'] .value")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("tr[data-queue]")).ToHaveCountAsync(4);
        // Retry queues in attempt order, after the main queue and its dead letters.
        Assert.Equal(["orders", "orders.dead-letter", "orders.retry.1", "orders.retry.2"],
            await page.Locator("tr[data-queue]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.queue)"));
        await Assertions.Expect(page.Locator("tr[data-queue='orders'] td").First).ToHaveTextAsync("messaging");
        await Assertions.Expect(page.Locator("tr[data-outbox='ordersdb'] .value")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("tr[data-outbox='ordersdb'] .oldest")).ToHaveTextAsync("1.50 s");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "orders, last minute: between 7 and 7, now 7" })).ToBeVisibleAsync();

        // The worker drains the queue, the relay empties the outbox: the page follows within a refresh or two.
        depths["orders"] = 0;
        pending = 0;
        messaging.ForceFlush();
        ordersDb.ForceFlush();
        await Assertions.Expect(page.Locator("tr[data-queue='orders'] .value")).ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("tr[data-outbox='ordersdb'] .value")).ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("tr[data-outbox='ordersdb'] .oldest")).ToHaveTextAsync("–");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "orders, last minute: between 0 and 7, now 0" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("queues");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Before_any_figure_arrives_the_page_says_what_it_waits_for()
    {
        await using var server = await TraceLabServer.StartAsync();
        await using var browser = await BrowserLogin.OpenAsync(server, "/queues");
        await Assertions.Expect(browser.Page.GetByText("No queue depths yet")).ToBeVisibleAsync();
        await Assertions.Expect(browser.Page.GetByText("No outbox figures yet")).ToBeVisibleAsync();
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_queues_api_stays_bounded_however_many_queues_are_sent()
    {
        await using var server = await TraceLabServer.StartAsync();
        using var queues = new Meter("test.queues." + Guid.NewGuid().ToString("N"));
        queues.CreateObservableGauge("rabbitmq.queue.messages", () =>
            Enumerable.Range(0, 500).Select(i => new Measurement<long>(i, new KeyValuePair<string, object?>("messaging.destination.name", $"queue-{i}"))).ToList());
        using (var messaging = Gauges(server, "messaging", queues.Name))
        {
            for (var i = 0; i < 3; i++)
            {
                messaging.ForceFlush();
            }
        }

        var answer = await server.Api.WaitForJsonAsync("/api/queues", q => q["series"].Arr().Count > 0);
        var series = answer["series"].Arr();
        Assert.Equal(64, series.Count);
        Assert.All(series, s => Assert.InRange(s!["history"].Arr().Count, 1, 120));
    }

    /// <summary>The AppHost's shape: a MeterProvider per monitored resource, its name as service.name, OTLP/gRPC with the key.</summary>
    private static MeterProvider Gauges(TraceLabServer server, string serviceName, string meterName) =>
        Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName))
            .AddMeter(meterName)
            .AddOtlpExporter((o, reader) =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Endpoint = new Uri(server.OtlpGrpcUrl);
                o.Headers = $"x-otlp-api-key={TraceLabServer.ApiKey}";
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build();
}
