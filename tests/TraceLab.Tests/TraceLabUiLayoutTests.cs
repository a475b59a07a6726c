using System.Net;
using Microsoft.Playwright;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The UI's layout in Chromium at 1600×1000: list columns under their heads, every service of a trace named,
/// one colour per service, the split between span names and bars, the details pane, and the favicon.
/// </summary>
public sealed class TraceLabUiLayoutTests
{
    private static readonly string[] Services = ["gateway", "orders", "payments", "inventory", "notifications"];

    private const string LongName = "orders.OrderService/PlaceOrderWithEveryLineItemReservedAndThePaymentAuthorized";

    private static readonly string[] Columns = ["time", "name", "services", "duration", "spans"];

    [Fact]
    public async Task List_heads_stand_over_their_cells_and_a_five_service_trace_names_all_five()
    {
        await using var lab = await LabWithTraceAsync();
        var (browser, page, traceId) = (lab.Browser, lab.Browser.Page, lab.TraceId);
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404)
            {
                lock (missing)
                {
                    missing.Add(response.Url);
                }
            }
        };
        await lab.OpenAsync("/traces");
        var row = page.Locator($"[data-trace-id='{traceId}']");
        await Assertions.Expect(row).ToContainTextAsync("gateway: GET /checkout");

        // Each head has the left edge and the width of its cells.
        foreach (var column in Columns)
        {
            var head = await page.Locator($".list-head > .{column}").BoundingBoxAsync();
            var cell = await row.Locator($":scope > .{column}").BoundingBoxAsync();
            Assert.NotNull(head);
            Assert.NotNull(cell);
            Assert.True(Math.Abs(head.X - cell.X) <= 1 && Math.Abs(head.Width - cell.Width) <= 1,
                $"the {column} head spans {head.X}..{head.X + head.Width}, its cells {cell.X}..{cell.X + cell.Width}");
        }

        await Assertions.Expect(row.Locator(".spans")).ToHaveTextAsync("5");

        // Three chips and "+2", whose title names the other two; no chip runs out of its cell.
        var services = row.Locator(".services");
        await Assertions.Expect(services.Locator(".chip:not(.more)")).ToHaveCountAsync(3);
        await Assertions.Expect(services.Locator(".chip.more")).ToHaveTextAsync("+2");
        var named = new List<string>();
        foreach (var chip in await services.Locator(".chip:not(.more)").AllAsync())
        {
            named.Add((await chip.GetAttributeAsync("data-service"))!);
        }

        var more = await services.Locator(".chip.more").GetAttributeAsync("title");
        named.AddRange(Services.Where(s => more!.Contains(s + " 1", StringComparison.Ordinal)));
        Assert.Equal(Services.Order(), named.Order());
        var cellBox = (await services.BoundingBoxAsync())!;
        foreach (var chip in await services.Locator(".chip").AllAsync())
        {
            var box = (await chip.BoundingBoxAsync())!;
            Assert.True(box.X + box.Width <= cellBox.X + cellBox.Width + 0.5, $"a chip ends at {box.X + box.Width}, past its cell's {cellBox.X + cellBox.Width}");
        }

        foreach (var service in Services)
        {
            Assert.Contains(service, await services.GetAttributeAsync("title"));
        }

        await browser.ScreenshotAsync("layout-traces-list");
        Assert.Empty(missing);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task A_service_has_one_colour_on_the_list_and_the_trace_page_and_a_trace_gives_each_service_its_own()
    {
        await using var lab = await LabWithTraceAsync();
        var (browser, page, traceId) = (lab.Browser, lab.Browser.Page, lab.TraceId);
        await lab.OpenAsync("/traces");
        var row = page.Locator($"[data-trace-id='{traceId}']");
        await Assertions.Expect(row.Locator(".chip:not(.more)")).ToHaveCountAsync(3);
        var onList = await row.Locator(".chip[data-service]").EvaluateAllAsync<string[][]>(
            "chips => chips.map(c => [c.dataset.service, getComputedStyle(c).backgroundColor])");

        await row.ClickAsync();
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(5);
        var inRows = (await page.Locator(".span-row").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.dataset.service, getComputedStyle(r.querySelector('.label .chip')).backgroundColor])")).ToDictionary(p => p[0], p => p[1]);
        var inGraph = (await page.Locator(".service-graph text[data-service]").EvaluateAllAsync<string[][]>(
            "labels => labels.map(t => [t.dataset.service, getComputedStyle(t.previousElementSibling).fill])")).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(Services.Order(), inRows.Keys.Order());
        Assert.Equal(5, inRows.Values.Distinct().Count());
        Assert.Equal(inRows, inGraph);
        foreach (var pair in onList)
        {
            Assert.Equal(inRows[pair[0]], pair[1]);
        }

        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_split_between_names_and_bars_moves_by_mouse_and_keyboard_and_shows_long_names_whole()
    {
        await using var lab = await LabWithTraceAsync();
        var (browser, page) = (lab.Browser, lab.Browser.Page);
        await lab.OpenAsync($"/traces/{lab.TraceId}");
        var name = page.Locator(".span-row .span-name", new() { HasText = LongName });
        await Assertions.Expect(name).ToHaveAttributeAsync("title", LongName);
        Assert.True(await IsCutAsync(name), "the long name should not fit the default column");
        var label = page.Locator(".span-row[data-service='orders'] .label");
        var before = (await label.BoundingBoxAsync())!.Width;

        // Drag the separator 450 pixels to the right.
        var splitter = page.GetByRole(AriaRole.Separator, new() { Name = "Width of the span names" });
        var handle = (await splitter.BoundingBoxAsync())!;
        var (x, y) = (handle.X + (handle.Width / 2), handle.Y + 40);
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + 200, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(x + 450, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        var dragged = (await label.BoundingBoxAsync())!.Width;
        Assert.InRange(dragged - before, 440, 460);
        await browser.ScreenshotAsync("layout-trace-wide-names");
        Assert.False(await IsCutAsync(name), "the long name is still cut after widening its column");
        // The time axis starts where the bars do.
        var axis = (await page.Locator(".axis").BoundingBoxAsync())!;
        var timeline = (await page.Locator(".span-row[data-service='orders'] .timeline").BoundingBoxAsync())!;
        Assert.InRange(axis.X - timeline.X, -2, 2);

        // Kept for the session: a reload draws the same split.
        await page.ReloadAsync();
        await Assertions.Expect(name).ToHaveCountAsync(1);
        Assert.InRange((await label.BoundingBoxAsync())!.Width, dragged - 1, dragged + 1);

        // The keyboard: arrows move it by 24 pixels (Shift: 96), Home and End to the ends.
        await splitter.FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        Assert.InRange((await label.BoundingBoxAsync())!.Width, dragged - 25, dragged - 23);
        await page.Keyboard.PressAsync("Home");
        Assert.InRange((await label.BoundingBoxAsync())!.Width, 119, 121);
        Assert.True(await IsCutAsync(name));
        await page.Keyboard.PressAsync("Shift+ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.InRange((await label.BoundingBoxAsync())!.Width, 239, 241);
        var narrow = int.Parse((await splitter.GetAttributeAsync("aria-valuenow"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.Keyboard.PressAsync("End");
        Assert.False(await IsCutAsync(name));
        Assert.True(int.Parse((await splitter.GetAttributeAsync("aria-valuenow"))!, System.Globalization.CultureInfo.InvariantCulture) > narrow);
        await browser.ScreenshotAsync("layout-trace-names-end");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task A_span_without_attributes_says_none_under_attributes()
    {
        await using var lab = await LabWithTraceAsync();
        var (browser, page) = (lab.Browser, lab.Browser.Page);
        await lab.OpenAsync($"/traces/{lab.TraceId}");
        var details = page.Locator("aside.details");

        // The root has attributes: a table.
        await Assertions.Expect(details.Locator("h3")).ToHaveTextAsync("GET /checkout");
        await Assertions.Expect(details.Locator("h4:text-is('Attributes') + table")).ToContainTextAsync("attr.0");

        await page.Locator(".span-row[data-service='notifications']").ClickAsync();
        await Assertions.Expect(details.Locator("h3")).ToHaveTextAsync("send notification");
        await Assertions.Expect(details.Locator("h4:text-is('Attributes') + p")).ToHaveTextAsync("none");
        await Assertions.Expect(details.Locator("h4:text-is('Logs') + p")).ToHaveTextAsync("none");
        await details.Locator("h4:text-is('Attributes')").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("layout-details-no-attributes");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_favicon_is_served_without_login_and_linked_from_the_page()
    {
        await using var server = await TraceLabServer.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.FrontendUrl) };

        using var icon = await anonymous.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Contains("icon", icon.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, (await icon.Content.ReadAsByteArrayAsync())[..4]);

        var index = await server.Api.GetStringAsync("/traces");
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.ico\"", index);
    }

    private sealed record Lab(TraceLabServer Server, Browser Browser, string TraceId) : IAsyncDisposable
    {
        /// <summary>Logs in and goes on to <paramref name="path"/>.</summary>
        public Task OpenAsync(string path) =>
            Browser.Page.GotoAsync($"{Server.FrontendUrl}/login?t={TraceLabServer.Token}&returnUrl={Uri.EscapeDataString(path)}");

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    /// <summary>A Trace Lab holding the five-service trace, and a browser.</summary>
    private static async Task<Lab> LabWithTraceAsync()
    {
        var server = await TraceLabServer.StartAsync();
        try
        {
            var traceId = await PostFiveServiceTraceAsync(server);
            return new Lab(server, await Browser.LaunchAsync(), traceId);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A root in "gateway" with two attributes, and one child in each other service, one of them with a name
    /// longer than the default names column; no child has attributes.
    /// </summary>
    private static async Task<string> PostFiveServiceTraceAsync(TraceLabServer server)
    {
        var traceId = OtlpRequests.NewTraceId();
        var rootId = OtlpRequests.NewSpanId();
        var request = OtlpRequests.Traces("gateway", OtlpRequests.Span(traceId, rootId, null, "GET /checkout", durationMs: 100, attributeCount: 2));
        string[] names = [LongName, "authorize payment", "reserve stock", "send notification"];
        for (var i = 1; i < Services.Length; i++)
        {
            var child = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), rootId, names[i - 1], startOffsetMs: (ulong)(10 * i), durationMs: 20);
            request.ResourceSpans.Add(OtlpRequests.Traces(Services[i], child).ResourceSpans);
        }

        await server.PostTracesOkAsync(request);
        var id = OtlpRequests.Hex(traceId);
        await server.Api.WaitForJsonAsync($"/api/traces/{id}", t => (int)t["summary"]!["spanCount"]! == Services.Length);
        return id;
    }

    private static Task<bool> IsCutAsync(ILocator text) => text.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth");
}
