using Microsoft.Playwright;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The web UI in Chromium against a Trace Lab fed by the real OpenTelemetry SDK.</summary>
public sealed class TraceLabUiTests
{
    [Fact]
    public async Task Log_in_find_a_trace_and_read_its_hops_and_span_details()
    {
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, OtlpExportProtocol.Grpc);
        await server.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{server.FrontendUrl}/login?t={TraceLabServer.Token}");
        Assert.EndsWith("/traces", page.Url);
        var row = page.Locator($"[data-trace-id='{scenario.TraceId}']");
        await Assertions.Expect(row).ToContainTextAsync("frontend: GET /checkout");
        await Assertions.Expect(row).ToContainTextAsync("backend 5");
        await browser.ScreenshotAsync("traces-list");

        // Filters are applied to the list the page holds; the text filter reaches attribute values.
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

        await row.ClickAsync();
        await page.WaitForURLAsync($"**/traces/{scenario.TraceId}**");
        var rows = page.Locator(".span-row");
        await Assertions.Expect(rows).ToHaveCountAsync(9);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "HTTP headers" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "gRPC metadata" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".hop", new() { HasText = "RabbitMQ message headers" })).ToHaveCountAsync(1);

        // The failed charge says why in its row, and its warning log is a marker on its bar.
        var chargeRow = page.Locator($".span-row[data-span-id='{scenario.ChargeSpanId}']");
        await Assertions.Expect(chargeRow.Locator(".status-message")).ToHaveTextAsync("— card declined");
        await Assertions.Expect(chargeRow.Locator(".log-marker.level-warning")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".log-marker")).ToHaveCountAsync(2); // and "Checkout finished", an information log

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
        await Assertions.Expect(details.Locator(".carrier tr", new() { HasText = "baggage" })).ToContainTextAsync("checkout.id=c-1234");
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

        // The keyboard moves through rows (the deep link follows) and folds them.
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("process orders");
        Assert.Contains($"spanId={scenario.ConsumerSpanId}", page.Url);
        await page.Keyboard.PressAsync("Home");
        await Assertions.Expect(page.Locator("aside.details h3")).ToHaveTextAsync("GET /checkout");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(9);

        // Dark theme: a different background, and it stays chosen across pages.
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
        await using var server = await TraceLabServer.StartAsync();
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
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, OtlpExportProtocol.HttpProtobuf);
        await server.Api.WaitForJsonAsync($"/api/logs?traceId={scenario.TraceId}", l => (int)l["total"]! == 2);
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
        await using var source = await TraceLabServer.StartAsync();
        await using var target = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(source, OtlpExportProtocol.Grpc);
        await source.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
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
