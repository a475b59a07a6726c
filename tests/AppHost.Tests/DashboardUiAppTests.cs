using System.Net;
using System.Net.Http.Json;
using DistributedTracing.Dashboard.Tests;
using Microsoft.Playwright;

namespace DistributedTracing.AppHost.Tests;

/// <summary>The dashboard's UI in Chromium against the whole app: resources with their output, and an order's trace.</summary>
[Collection(RunningAppCollection.Name)]
public sealed class DashboardUiAppTests(RunningAppFixture fixture)
{
    [Fact]
    public async Task Resources_and_an_orders_trace_across_four_services_with_carriers()
    {
        var app = fixture.App;
        using var placed = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 2, items = new[] { new { sku = "book-sre", quantity = 1, unitPrice = 39.9m } } });
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

        // The order's trace: rows from all four services, each hop labelled with its carrier.
        await page.GotoAsync($"{app.DashboardResource.Frontend.Url}/traces/{traceId}");
        foreach (var service in new[] { "gateway", "orderservice", "userservice", "notificationworker" })
        {
            await Assertions.Expect(page.Locator($".span-row[data-service='{service}']").First).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);
        await browser.ScreenshotAsync("app-order-trace");
    }
}
