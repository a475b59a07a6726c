using Microsoft.Playwright;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The web UI in Chromium against a Trace Lab fed by the real OpenTelemetry SDK. Most tests read the one
/// checkout of a shared Trace Lab, each with a fresh browser, so one failing step does not hide the others.
/// </summary>
public sealed class TraceLabUiTests(CheckoutTraceLab lab) : IClassFixture<CheckoutTraceLab>
{
    private TraceLabServer Server => lab.Server;

    private CheckoutScenario Scenario => lab.Scenario;

    /// <summary>A browser on the checkout's trace page, every span shown.</summary>
    private async Task<Browser> OpenTraceAsync(string query = "")
    {
        var browser = await BrowserLogin.OpenAsync(Server, $"/traces/{Scenario.TraceId}{query}");
        await Assertions.Expect(browser.Page.Locator(".span-row")).ToHaveCountAsync(9);
        return browser;
    }

    [Fact]
    public async Task Logging_in_opens_the_traces_list_with_the_checkout()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync($"{Server.FrontendUrl}/login?t={TraceLabServer.Token}");
        Assert.EndsWith("/traces", page.Url);
        var row = page.Locator($"[data-trace-id='{Scenario.TraceId}']");
        await Assertions.Expect(row).ToContainTextAsync("frontend: GET /checkout");
        await Assertions.Expect(row).ToContainTextAsync("backend 5");
        await browser.ScreenshotAsync("traces-list");

        await row.ClickAsync();
        await page.WaitForURLAsync($"**/traces/{Scenario.TraceId}**");
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_the_text_filter_reaches_attribute_values()
    {
        await using var browser = await BrowserLogin.OpenAsync(Server, "/traces");
        var page = browser.Page;
        var row = page.Locator($"[data-trace-id='{Scenario.TraceId}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await page.Locator("input[name='text']").FillAsync("amex");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator(".trace-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[role=status]").First).ToHaveTextAsync("1 of 1 traces match");
        Assert.Contains("text=amex", page.Url);
        await page.Locator("input[name='text']").FillAsync("no such text anywhere");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator(".trace-row")).ToHaveCountAsync(0);
        await page.Locator("input[name='text']").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(1);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_trace_page_marks_each_hop_with_its_carrier_and_the_failed_charge_with_its_logs()
    {
        await using var browser = await OpenTraceAsync();
        var page = browser.Page;
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "HTTP headers" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);

        // The failed charge says why in its row, and its warning log is a marker on its bar.
        var chargeRow = page.Locator($".span-row[data-span-id='{Scenario.ChargeSpanId}']");
        await Assertions.Expect(chargeRow.Locator(".status-message")).ToHaveTextAsync("— card declined");
        await Assertions.Expect(chargeRow.Locator(".log-marker.level-warning")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".log-marker")).ToHaveCountAsync(2); // and "Checkout finished", an information log
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_service_graph_has_one_arrow_per_kind_of_hop_with_its_carrier_and_count()
    {
        await using var browser = await OpenTraceAsync();
        var graph = browser.Page.GetByRole(AriaRole.Img, new() { Name = "Service graph of this trace" });
        await Assertions.Expect(graph.Locator("[data-edge='frontend->backend']")).ToHaveTextAsync("HTTP headers ×1");
        await Assertions.Expect(graph.Locator("[data-edge='backend->ledger']")).ToHaveTextAsync("gRPC metadata ×1");
        await Assertions.Expect(graph.Locator("[data-edge='backend->worker']")).ToHaveTextAsync("RabbitMQ message headers ×1");
        await Assertions.Expect(graph.Locator("[data-service]")).ToHaveCountAsync(4);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_critical_path_runs_from_the_root_through_the_last_finishing_children()
    {
        await using var browser = await OpenTraceAsync();
        var page = browser.Page;
        await page.GetByLabel("Critical path").CheckAsync();
        await Assertions.Expect(page.Locator(".span-row.critical").First).ToContainTextAsync("GET /checkout");
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{Scenario.ProducerSpanId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{Scenario.ChargeSpanId}']")).ToHaveCountAsync(1);
        // Work that starts after its parent ended (the consumer, after the publish) is off the path, as in Jaeger.
        await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{Scenario.ConsumerSpanId}']")).ToHaveCountAsync(0);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task A_consumers_details_show_the_context_that_crossed_in_the_message_headers()
    {
        await using var browser = await OpenTraceAsync();
        var page = browser.Page;
        await page.Locator($"[data-span-id='{Scenario.ConsumerSpanId}']").ClickAsync();
        var details = page.Locator("aside.details");
        await Assertions.Expect(details).ToContainTextAsync("Context crossed in RabbitMQ message headers");
        await Assertions.Expect(details).ToContainTextAsync($"00-{Scenario.TraceId}-{Scenario.ProducerSpanId}-01");
        await Assertions.Expect(details.Locator(".carrier tr", new() { HasText = "baggage" })).ToContainTextAsync("checkout.id=c-1234");
        Assert.Contains($"spanId={Scenario.ConsumerSpanId}", page.Url);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Search_in_the_trace_finds_a_status_message_or_a_name_and_selects_the_span()
    {
        // Starting on the consumer, so a search that selects nothing would leave it selected.
        await using var browser = await OpenTraceAsync($"?spanId={Scenario.ConsumerSpanId}");
        var page = browser.Page;
        var details = page.Locator("aside.details");
        await Assertions.Expect(details.Locator("h3")).ToHaveTextAsync("process orders");

        // "declined" is only in the charge's status message: one match, and it is selected.
        await page.GetByLabel("Search in trace").FillAsync("declined");
        await Assertions.Expect(page.Locator(".span-row.match")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".span-row.match.selected[data-span-id='{Scenario.ChargeSpanId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(details.Locator("h3")).ToHaveTextAsync("charge card");
        Assert.Contains($"spanId={Scenario.ChargeSpanId}", page.Url);

        // A name: highlighted where it matches.
        await page.GetByLabel("Search in trace").FillAsync("publish");
        await Assertions.Expect(page.Locator("mark")).ToHaveTextAsync("publish");
        await Assertions.Expect(details.Locator("h3")).ToHaveTextAsync("publish orders");
        await page.GetByLabel("Search in trace").FillAsync("charge");
        await Assertions.Expect(page.Locator("mark")).ToHaveTextAsync("charge");
        await Assertions.Expect(details).ToContainTextAsync("card declined");
        await Assertions.Expect(details).ToContainTextAsync("Card declined for order 1234");
        await browser.ScreenshotAsync("trace-detail");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task A_deep_link_selects_its_span_and_the_keyboard_moves_through_and_folds_rows()
    {
        await using var browser = await OpenTraceAsync($"?spanId={Scenario.ProducerSpanId}");
        var page = browser.Page;
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("publish orders");

        // The keyboard moves through rows (the deep link follows) and folds them.
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("process orders");
        Assert.Contains($"spanId={Scenario.ConsumerSpanId}", page.Url);
        await page.Keyboard.PressAsync("Home");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("GET /checkout");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task The_dark_theme_changes_the_background_and_stays_chosen_after_a_reload()
    {
        await using var browser = await OpenTraceAsync();
        var page = browser.Page;
        var light = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Theme" }).ClickAsync();
        var dark = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(light, dark);
        await page.ReloadAsync();
        Assert.Equal(dark, await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
        await browser.ScreenshotAsync("trace-detail-dark");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Login_form_traces_a_trace_and_logs_run_under_the_content_security_policy()
    {
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, OtlpExportProtocol.HttpProtobuf);
        await server.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        await server.Api.WaitForJsonAsync($"/api/logs?traceId={scenario.TraceId}", l => (int)l["total"]! == 2);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        // The form, which posts the token, styled by its own file.
        await page.GotoAsync($"{server.FrontendUrl}/login");
        Assert.Equal("post", await page.Locator("form").GetAttributeAsync("method"));
        Assert.Equal("512px", await page.Locator("main").EvaluateAsync<string>("main => getComputedStyle(main).maxWidth")); // 32rem
        await page.GetByLabel("Token").FillAsync(TraceLabServer.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/traces$"));

        // The list (service chips and duration bars are styled from script), a trace (bars, markers, the
        // service graph), a span's details, and the logs.
        var row = page.Locator($"[data-trace-id='{scenario.TraceId}']");
        await Assertions.Expect(row).ToContainTextAsync("frontend: GET /checkout");
        Assert.NotEqual("0px", await row.Locator(".durbar").EvaluateAsync<string>("bar => getComputedStyle(bar).width"));
        await row.ClickAsync();
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
        await Assertions.Expect(page.Locator(".log-marker")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Service graph of this trace" }).Locator("[data-service]")).ToHaveCountAsync(4);
        await page.Locator($".span-row[data-span-id='{scenario.ChargeSpanId}']").ClickAsync();
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("charge card");
        await page.GetByRole(AriaRole.Link, new() { Name = "Structured logs" }).ClickAsync();
        await Assertions.Expect(page.Locator(".log-row", new() { HasText = "Card declined for order 1234" })).ToHaveCountAsync(1);
        Assert.Empty(browser.ContentSecurityPolicyViolations);

        // The watch sees what the policy blocks: a style attribute.
        await page.EvaluateAsync("document.body.setAttribute('style', 'outline: 1px solid red')");
        for (var waited = 0; browser.ContentSecurityPolicyViolations.Count == 0 && waited < 50; waited++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("inline style", Assert.Single(browser.ContentSecurityPolicyViolations));
    }

    [Fact]
    public async Task Bad_tokens_and_unknown_traces_get_clear_messages()
    {
        var server = Server;
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{server.FrontendUrl}/traces");
        Assert.Contains("/login", page.Url);
        await page.GetByLabel("Token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not this Trace Lab");
        Assert.DoesNotContain("not-the-token", page.Url); // posted, not put in the URL

        await page.GetByLabel("Token").FillAsync(TraceLabServer.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        // The URL alone (not a load event, which a page still opening its live feed may hold up under load).
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/traces$"));
        Assert.DoesNotContain(TraceLabServer.Token, page.Url);

        await page.GotoAsync($"{server.FrontendUrl}/traces/0123456789abcdef0123456789abcdef");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No trace 0123456789abcdef0123456789abcdef");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Follow_a_log_to_its_span_and_back_to_the_trace_logs()
    {
        var (server, scenario) = (Server, Scenario);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync($"{server.FrontendUrl}/login?t={TraceLabServer.Token}&returnUrl=%2Flogs%3Fservice%3Dbackend");

        var log = page.Locator(".log-row", new() { HasText = "Card declined for order 1234" });
        await Assertions.Expect(log).ToHaveCountAsync(1);
        await log.GetByRole(AriaRole.Link, new() { Name = "trace" }).ClickAsync();
        await page.WaitForURLAsync($"**/traces/{scenario.TraceId}?spanId={scenario.ChargeSpanId}");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("charge card");
        await Assertions.Expect(page.Locator($".span-row.selected[data-span-id='{scenario.ChargeSpanId}']")).ToHaveCountAsync(1);
        await browser.ScreenshotAsync("log-to-trace");

        // From the span's logs back to every log of this trace.
        await page.Locator("aside.details table.span-logs").GetByRole(AriaRole.Link, new() { Name = "Card declined for order 1234" }).ClickAsync();
        await page.WaitForURLAsync($"**/logs?traceId={scenario.TraceId}");
        await Assertions.Expect(page.Locator(".log-row")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".log-row", new() { HasText = "Checkout finished" })).ToHaveCountAsync(1);

        // And the browser's back button returns to the span.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("charge card");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }

    [Fact]
    public async Task Export_a_trace_in_both_formats_and_import_it_into_another_trace_lab()
    {
        var (source, scenario) = (Server, Scenario);
        await using var target = await TraceLabServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        var folder = Directory.CreateTempSubdirectory("trace-export-");
        try
        {
            await page.GotoAsync($"{source.FrontendUrl}/login?t={TraceLabServer.Token}&returnUrl=%2Ftraces%2F{scenario.TraceId}");
            var files = new Dictionary<string, string>();
            foreach (var format in new[] { "OTLP JSON", "Jaeger JSON" })
            {
                var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = format, Exact = true }).ClickAsync());
                var path = Path.Combine(folder.FullName, download.SuggestedFilename);
                await download.SaveAsAsync(path);
                files[format] = path;
                Assert.Contains(scenario.TraceId, await File.ReadAllTextAsync(path));
            }

            Assert.EndsWith($"trace-{scenario.TraceId}.otlp.json", files["OTLP JSON"]);
            Assert.EndsWith($"trace-{scenario.TraceId}.jaeger.json", files["Jaeger JSON"]);

            // A malformed file gets a clear message and changes nothing.
            await page.GotoAsync($"{target.FrontendUrl}/login?t={TraceLabServer.Token}");
            await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "broken.json", MimeType = "application/json", Buffer = "{\"data\": [{\"spans\": 3}]}"u8.ToArray() });
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Could not import broken.json: The file is not a trace in OTLP JSON or Jaeger JSON: trace 1 has no \"spans\" array");
            await browser.ScreenshotAsync("import-malformed");
            Assert.Equal(0, target.Store.TraceCount);

            // The Jaeger file opens as the same trace, its hops and carriers worked out again.
            await page.Locator("input[type=file]").SetInputFilesAsync(files["Jaeger JSON"]);
            await page.WaitForURLAsync($"**/traces/{scenario.TraceId}**");
            await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
            await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);
            await browser.ScreenshotAsync("import-jaeger");

            // The OTLP file too (the same trace: its spans are already there, so nothing doubles).
            await page.GotoAsync($"{target.FrontendUrl}/traces");
            await page.Locator("input[type=file]").SetInputFilesAsync(files["OTLP JSON"]);
            await page.WaitForURLAsync($"**/traces/{scenario.TraceId}**");
            await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);
            Assert.Empty(browser.ContentSecurityPolicyViolations);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
