using System.Net;
using DistributedTracing.TraceLab.Tests;
using Microsoft.Playwright;

namespace DistributedTracing.AppHost.Tests;

/// <summary>Both UIs in Chromium against the running app: the Trace Lab's, and Aspire's dashboard.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class UiTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task The_Labs_traces_list_leads_to_an_orders_trace_across_four_services_with_its_carriers()
    {
        var app = fixture.App;
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { userId = 2, items = new[] { new { sku = "book-sre", quantity = 1, unitPrice = 39.9m } } }),
        };
        order.Headers.Add("baggage", "ui.test=order-1");
        using var placed = await app.Gateway.SendAsync(order);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var traceId = JsonHelpers.TraceIdOf(placed);
        await app.WaitForOrderTraceAsync(traceId);

        // Resources are Aspire's dashboard's business now: the Lab has no such page.
        using (var resources = await app.Lab.GetAsync("/resources"))
        {
            Assert.Equal(HttpStatusCode.NotFound, resources.StatusCode);
        }

        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync($"{app.Lab.BaseAddress!.GetLeftPart(UriPartial.Authority)}/login?t={app.BrowserToken}");
        await page.WaitForURLAsync("**/traces");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToHaveCountAsync(0);

        // The traces list, filtered to traces that reached the worker, leads to the order's trace.
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

        // Each of the order's three gRPC edges is drawn with its carrier. A retried call (the resilience handler's,
        // or the worker's requeue after a slow first attempt on a loaded machine) adds hops of the same edge, so
        // the edges are checked rather than an exact count.
        foreach (var (from, to) in new[] { ("gateway", "orderservice"), ("orderservice", "userservice"), ("notificationworker", "userservice") })
        {
            await Assertions.Expect(page.Locator($".span-row[data-service='{to}'] .hop[title='Context crossed from {from} in gRPC metadata']").First).ToBeVisibleAsync();
        }

        Assert.InRange(await page.Locator(".hop", new() { HasText = "gRPC metadata" }).CountAsync(), 3, 12);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);

        // Search finds the consumer; its details show the context and baggage that came in the message headers.
        await page.GetByLabel("Search in trace").FillAsync("process order");
        var details = page.Locator("aside.details");
        await Assertions.Expect(details).ToContainTextAsync("Context crossed in RabbitMQ message headers");
        await Assertions.Expect(details.Locator(".carrier tr", new() { HasText = "baggage" })).ToContainTextAsync("ui.test=order-1");
        await Assertions.Expect(details.Locator(".carrier")).ToContainTextAsync($"00-{traceId}-");
        await browser.ScreenshotAsync("app-order-trace");
    }

    [Fact]
    public async Task Aspires_dashboard_logs_in_shows_the_resources_their_live_properties_and_warns_of_no_certificate()
    {
        var (loginUrl, api) = await fixture.App.AspireDashboardAsync();
        api.Dispose();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(loginUrl.ToString());
        // The login link signs in and lands on the resources page, which lists the app model.
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        foreach (var resource in new[] { "tracelab", "gateway", "postgres", "messaging" })
        {
            await Assertions.Expect(page.GetByText(resource, new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }

        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("certificate", text, StringComparison.OrdinalIgnoreCase);
        await browser.ScreenshotAsync("aspire-dashboard-resources");

        // A resource's details show the live figures and the restart policy's count without "Show all":
        // the dashboard hides properties it does not know unless they are highlighted.
        await page.GetByText("messaging", new() { Exact = true }).First.ClickAsync();
        foreach (var property in new[] { "queue.orders", "queue.orders.dead-letter", "restart.count" })
        {
            await Assertions.Expect(page.GetByText(property, new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }

        await browser.ScreenshotAsync("aspire-dashboard-messaging-details");
    }
}
