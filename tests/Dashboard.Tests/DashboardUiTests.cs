using Microsoft.Playwright;
using OpenTelemetry.Exporter;

namespace DistributedTracing.Dashboard.Tests;

/// <summary>The web UI in Chromium against a dashboard fed by the real OpenTelemetry SDK.</summary>
public sealed class DashboardUiTests
{
    [Fact]
    public async Task Log_in_find_a_trace_and_read_its_hops_and_span_details()
    {
        await using var server = await DashboardServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, OtlpExportProtocol.Grpc);
        await server.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{server.FrontendUrl}/login?t={DashboardServer.Token}");
        Assert.EndsWith("/traces", page.Url);
        var row = page.Locator($"[data-trace-id='{scenario.TraceId}']");
        await Assertions.Expect(row).ToContainTextAsync("frontend: GET /checkout");
        await Assertions.Expect(row).ToContainTextAsync("backend 5");
        await browser.ScreenshotAsync("traces-list");

        await row.ClickAsync();
        await page.WaitForURLAsync($"**/traces/{scenario.TraceId}**");
        var rows = page.Locator(".span-row");
        await Assertions.Expect(rows).ToHaveCountAsync(9);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "HTTP headers" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);

        // The service graph: one arrow per kind of hop, labelled with its carrier and count.
        var graph = page.GetByRole(AriaRole.Img, new() { Name = "Service graph of this trace" });
        await Assertions.Expect(graph.Locator("[data-edge='frontend->backend']")).ToHaveTextAsync("HTTP headers ×1");
        await Assertions.Expect(graph.Locator("[data-edge='backend->ledger']")).ToHaveTextAsync("gRPC metadata ×1");
        await Assertions.Expect(graph.Locator("[data-edge='backend->worker']")).ToHaveTextAsync("RabbitMQ message headers ×1");
        await Assertions.Expect(graph.Locator("[data-service]")).ToHaveCountAsync(4);

        // The critical path runs from the root through the last-finishing children.
        await page.GetByLabel("Critical path").CheckAsync();
        await Assertions.Expect(page.Locator(".span-row.critical").First).ToContainTextAsync("GET /checkout");
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{scenario.ProducerSpanId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{scenario.ChargeSpanId}']")).ToHaveCountAsync(1);
        // Work that starts after its parent ended (the consumer, after the publish) is off the path, as in Jaeger.
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{scenario.ConsumerSpanId}']")).ToHaveCountAsync(0);

        // The consumer's details show the context that crossed in the message headers.
        await page.Locator($"[data-span-id='{scenario.ConsumerSpanId}']").ClickAsync();
        var details = page.Locator("aside.details");
        await Assertions.Expect(details).ToContainTextAsync("Context crossed in RabbitMQ message headers");
        await Assertions.Expect(details).ToContainTextAsync($"00-{scenario.TraceId}-{scenario.ProducerSpanId}-01");
        Assert.Contains($"spanId={scenario.ConsumerSpanId}", page.Url);

        // Search within the trace finds the failed charge and selects it.
        await page.GetByLabel("Search in trace").FillAsync("declined");
        await page.GetByLabel("Search in trace").FillAsync("charge");
        await Assertions.Expect(page.Locator("mark")).ToHaveTextAsync("charge");
        await Assertions.Expect(details).ToContainTextAsync("card declined");
        await Assertions.Expect(details).ToContainTextAsync("Card declined for order 1234");
        await browser.ScreenshotAsync("trace-detail");

        // A deep link opens the trace with that span selected.
        await page.GotoAsync($"{server.FrontendUrl}/traces/{scenario.TraceId}?spanId={scenario.ProducerSpanId}");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("publish orders");
    }

    [Fact]
    public async Task Bad_tokens_and_unknown_traces_get_clear_messages()
    {
        await using var server = await DashboardServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{server.FrontendUrl}/traces");
        Assert.Contains("/login", page.Url);
        await page.GetByLabel("Token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not this dashboard");

        await page.GetByLabel("Token").FillAsync(DashboardServer.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.WaitForURLAsync("**/traces");

        await page.GotoAsync($"{server.FrontendUrl}/traces/0123456789abcdef0123456789abcdef");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No trace 0123456789abcdef0123456789abcdef");
    }
}
