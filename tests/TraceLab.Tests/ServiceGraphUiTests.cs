using Microsoft.Playwright;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The trace page's service graph in Chromium when one trace spans thousands of services.</summary>
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
}
