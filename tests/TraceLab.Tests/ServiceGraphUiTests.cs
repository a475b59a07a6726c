using Microsoft.Playwright;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The trace page's service graph and critical path in Chromium: thousands of services, repeated and overlapping calls.</summary>
public sealed class ServiceGraphUiTests
{
    [Fact]
    public async Task A_trace_of_thousands_of_services_draws_a_capped_graph_and_says_so()
    {
        const int services = 3_000;
        await using var server = await TraceLabServer.StartAsync();
        var traceId = OtlpRequests.NewTraceId();
        var rootId = OtlpRequests.NewSpanId();
        var request = new ExportTraceServiceRequest();
        for (var i = 0; i < services; i++)
        {
            var span = OtlpRequests.Span(traceId, i == 0 ? rootId : OtlpRequests.NewSpanId(), i == 0 ? null : rootId, $"call {i}", startOffsetMs: (ulong)i);
            span.Kind = i == 0 ? Span.Types.SpanKind.Client : Span.Types.SpanKind.Server;
            request.ResourceSpans.Add(new ResourceSpans
            {
                Resource = new Resource { Attributes = { OtlpRequests.Attribute("service.name", $"service-{i:D4}") } },
                ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { span } } },
            });
        }

        await server.PostTracesOkAsync(request);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync($"{server.FrontendUrl}/login?t={TraceLabServer.Token}&returnUrl=/traces/{OtlpRequests.Hex(traceId)}");

        var graph = page.GetByRole(AriaRole.Img, new() { Name = "Service graph of this trace" });
        await Assertions.Expect(graph.Locator("[data-service]")).ToHaveCountAsync(31, new() { Timeout = 30_000 });
        await Assertions.Expect(graph.Locator("[data-service='2970 more services']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("figure.graph figcaption")).ToContainTextAsync($"The first 30 of {services} services have a box each; the other 2970 share one.");
        await browser.ScreenshotAsync("service-graph-capped");
    }

    [Fact]
    public async Task Repeated_calls_share_one_arrow_counted_and_the_critical_path_picks_through_overlapping_children()
    {
        // Offsets in ms; the frontend calls the backend twice, the calls overlapping, beside local work:
        //   0 ────────────────────────────── 100  GET /order       (frontend)
        //   0─1 auth                                               ends before call b starts: on the path
        //    2 ───────── 50 POST (call b)                          starts before call a: on the path
        //     3 ──────── 49 POST reserve b                         (backend)
        //         10 ──────────────── 90 POST (call a)             finishes last: on the path
        //           12 ───────────── 88 POST reserve a             (backend)
        //              20 ── 40 render                             wholly within call a: off the path
        await using var server = await TraceLabServer.StartAsync();
        var traceId = OtlpRequests.NewTraceId();
        var (root, callA, callB, render, auth, reserveA, reserveB) =
            (OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId(), OtlpRequests.NewSpanId());
        Span Http(byte[] id, byte[]? parent, string name, Span.Types.SpanKind kind, ulong start, ulong duration)
        {
            var span = OtlpRequests.Span(traceId, id, parent, name, start, duration);
            span.Kind = kind;
            span.Attributes.Add(OtlpRequests.Attribute("http.request.method", name.StartsWith("GET", StringComparison.Ordinal) ? "GET" : "POST"));
            return span;
        }

        await server.PostTracesOkAsync(OtlpRequests.Traces("frontend",
            Http(root, null, "GET /order", Span.Types.SpanKind.Server, 0, 100),
            Http(callA, root, "POST (call a)", Span.Types.SpanKind.Client, 10, 80),
            Http(callB, root, "POST (call b)", Span.Types.SpanKind.Client, 2, 48),
            OtlpRequests.Span(traceId, render, root, "render", 20, 20),
            OtlpRequests.Span(traceId, auth, root, "auth", 0, 1)));
        await server.PostTracesOkAsync(OtlpRequests.Traces("backend",
            Http(reserveA, callA, "POST reserve a", Span.Types.SpanKind.Server, 12, 76),
            Http(reserveB, callB, "POST reserve b", Span.Types.SpanKind.Server, 3, 46)));

        await using var browser = await BrowserLogin.OpenAsync(server, $"/traces/{OtlpRequests.Hex(traceId)}");
        var page = browser.Page;
        await Assertions.Expect(page.Locator(".span-row")).ToHaveCountAsync(7);

        var graph = page.GetByRole(AriaRole.Img, new() { Name = "Service graph of this trace" });
        await Assertions.Expect(graph.Locator("[data-edge]")).ToHaveCountAsync(1);
        await Assertions.Expect(graph.Locator("[data-edge='frontend->backend']")).ToHaveTextAsync("HTTP headers ×2");
        await Assertions.Expect(graph.Locator("[data-service]")).ToHaveCountAsync(2);

        await Assertions.Expect(page.Locator(".span-row.critical")).ToHaveCountAsync(0);
        await page.GetByLabel("Critical path").CheckAsync();
        foreach (var onPath in new[] { root, callA, reserveA, callB, reserveB, auth })
        {
            await Assertions.Expect(page.Locator($".span-row.critical[data-span-id='{OtlpRequests.Hex(onPath)}']")).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.Locator($".span-row[data-span-id='{OtlpRequests.Hex(render)}']:not(.critical)")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".span-row.critical")).ToHaveCountAsync(6);
        await browser.ScreenshotAsync("critical-path-overlapping");
        Assert.Empty(browser.ContentSecurityPolicyViolations);
    }
}
