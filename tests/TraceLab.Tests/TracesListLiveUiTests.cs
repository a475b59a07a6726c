using System.Diagnostics;
using Microsoft.Playwright;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The traces list in Chromium while the real SDK sends traces: live updates, and Pause and Resume.</summary>
public sealed class TracesListLiveUiTests
{
    [Fact]
    public async Task A_trace_sent_while_the_list_is_open_appears_but_not_while_paused_until_resumed()
    {
        await using var server = await TraceLabServer.StartAsync();
        using var source = new ActivitySource("Test.Live." + Guid.NewGuid().ToString("N")[..8]);
        using var tracing = OtlpPipelines.Traces(server, OtlpExportProtocol.HttpProtobuf, "shop", source.Name);
        string Send(string name)
        {
            string traceId;
            using (var activity = source.StartActivity(name, ActivityKind.Server)!)
            {
                traceId = activity.TraceId.ToHexString();
            }

            Assert.True(tracing.ForceFlush(10_000), "the OTLP exporter did not flush");
            return traceId;
        }

        var first = Send("GET /first");
        await using var browser = await BrowserLogin.OpenAsync(server, "/traces");
        var page = browser.Page;
        ILocator Row(string traceId) => page.Locator($"[data-trace-id='{traceId}']");
        await Assertions.Expect(Row(first)).ToHaveCountAsync(1);

        var second = Send("GET /second");
        await Assertions.Expect(Row(second)).ToContainTextAsync("shop: GET /second");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        var resume = page.GetByRole(AriaRole.Button, new() { Name = "Resume" });
        await Assertions.Expect(resume).ToHaveAttributeAsync("aria-pressed", "true");

        // A second feed beside the page's: once it has announced the third trace, so has the page's.
        await page.EvaluateAsync("""
            () => new Promise((resolve, reject) => {
              window.testFeedTraceIds = [];
              const feed = new EventSource('/api/live');
              feed.addEventListener('hello', () => resolve());
              feed.addEventListener('traces', event => window.testFeedTraceIds.push(...JSON.parse(event.data).traces.map(t => t.traceId)));
              setTimeout(() => reject(new Error('no hello from /api/live within 10 s')), 10000);
            })
            """);
        var third = Send("GET /third");
        await page.WaitForFunctionAsync("traceId => window.testFeedTraceIds.includes(traceId)", third, new() { Timeout = 10_000 });
        // The page reloads the list at most a second after an announcement; paused, it does not.
        await page.WaitForTimeoutAsync(2_500);
        await Assertions.Expect(Row(third)).ToHaveCountAsync(0, new() { Timeout = 1 });
        await Assertions.Expect(Row(second)).ToHaveCountAsync(1);

        await resume.ClickAsync();
        await Assertions.Expect(Row(third)).ToContainTextAsync("shop: GET /third");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }
}
