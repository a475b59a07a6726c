using System.Net;
using System.Net.Http.Json;
using DistributedTracing.Dashboard.Tests;
using Microsoft.Playwright;

namespace DistributedTracing.AppHost.Tests;

/// <summary>The dashboard's UI in Chromium against the whole app: resources with their output, and an order's trace from the list to its logs.</summary>
[Collection(RunningAppCollection.Name)]
public sealed class DashboardUiAppTests(RunningAppFixture fixture)
{
    [Fact]
    public async Task Resources_and_an_orders_trace_across_four_services_with_carriers()
    {
        var app = fixture.App;
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { userId = 2, items = new[] { new { sku = "book-sre", quantity = 1, unitPrice = 39.9m } } }),
        };
        order.Headers.Add("baggage", "ui.test=order-1");
        using var placed = await app.Gateway.SendAsync(order);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var traceId = JsonHelpers.TraceIdOf(placed);
        await app.WaitForOrderTraceAsync(traceId);

        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(app.DashboardResource.LoginUrl);
        await page.WaitForURLAsync("**/traces");

        // Resources: the app model's, with state and console output.
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-resource]")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("[data-resource='postgres']")).ToContainTextAsync("Running");
        await page.Locator("[data-resource='userservice'] a").First.ClickAsync();
        await Assertions.Expect(page.GetByLabel("Console output")).ToContainTextAsync("usersdb is migrated");
        await Assertions.Expect(page.Locator("section")).ToContainTextAsync("Password=********");
        await browser.ScreenshotAsync("app-resources");

        // The traces list, filtered to traces that reached the worker, leads to the order's trace.
        await page.GetByRole(AriaRole.Link, new() { Name = "Traces" }).ClickAsync();
        await page.Locator("input[name='service']").FillAsync("notificationworker");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]").First).ToContainTextAsync("traces match");
        await page.Locator($"[data-trace-id='{traceId}']").ClickAsync();
        await page.WaitForURLAsync($"**/traces/{traceId}**");

        // Rows from all four services, each hop labelled with its carrier.
        foreach (var service in new[] { "gateway", "orderservice", "userservice", "notificationworker" })
        {
            await Assertions.Expect(page.Locator($".span-row[data-service='{service}']").First).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);

        // Search finds the consumer; its details show the context and baggage that came in the message headers.
        await page.GetByLabel("Search in trace").FillAsync("process order");
        var details = page.Locator("aside.details");
        await Assertions.Expect(details).ToContainTextAsync("Context crossed in RabbitMQ message headers");
        await Assertions.Expect(details.Locator(".carrier tr", new() { HasText = "baggage" })).ToContainTextAsync("ui.test=order-1");
        await Assertions.Expect(details.Locator(".carrier")).ToContainTextAsync($"00-{traceId}-");

        // Its log leads to the trace's logs, and a log leads back to its span.
        await details.Locator("table.span-logs a").First.ClickAsync();
        await page.WaitForURLAsync($"**/logs?traceId={traceId}");
        var notified = page.Locator(".log-row", new() { HasText = "Notified" });
        await Assertions.Expect(notified).ToHaveCountAsync(1);
        await notified.GetByRole(AriaRole.Link, new() { Name = "trace" }).ClickAsync();
        await page.WaitForURLAsync($"**/traces/{traceId}?spanId=*");
        await Assertions.Expect(page.Locator("aside.details h3")).ToContainTextAsync("process");

        // Export as Jaeger JSON and import the file again: the same trace opens, every hop worked out anew.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Jaeger JSON", Exact = true }).ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}-{download.SuggestedFilename}");
        await download.SaveAsAsync(file);
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Traces" }).ClickAsync();
            await page.Locator("input[type=file]").SetInputFilesAsync(file);
            await page.WaitForURLAsync($"**/traces/{traceId}**");
            await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);
        }
        finally
        {
            File.Delete(file);
        }
        await browser.ScreenshotAsync("app-order-trace");
    }
}
