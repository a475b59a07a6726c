using System.Net;
using System.Net.Http.Json;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// One order's trace read from both ends of the telemetry pipeline: the Trace Lab's Jaeger API (the Lab
/// received every service's spans) and Aspire's dashboard telemetry API (the Lab forwarded them there
/// unchanged). Both hold the same spans.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class TelemetryApisTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task An_orders_trace_has_the_same_spans_in_the_Labs_Jaeger_API_and_in_Aspires_dashboard()
    {
        var app = fixture.App;
        using var placed = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1, items = new[] { new { sku = "book-1", quantity = 1, unitPrice = 12m } } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var traceId = JsonHelpers.TraceIdOf(placed);
        await app.WaitForOrderTraceAsync(traceId);

        var jaeger = await Polling.WaitForJsonAsync(app.Lab, $"/jaeger/api/traces/{traceId}", j => j["data"].Items().Any());
        var jaegerTrace = Assert.Single(jaeger["data"].Items());
        Assert.Equal(traceId, jaegerTrace["traceID"].Str());
        var labSpanIds = jaegerTrace["spans"].Items().Select(s => s["spanID"].Str()).Order().ToList();
        var labServices = jaegerTrace["processes"]!.AsObject().Select(p => p.Value!["serviceName"].Str()).ToHashSet();
        Assert.Superset(new HashSet<string> { "gateway", "orderservice", "userservice", "notificationworker" }, labServices);

        var (_, dashboard) = await app.AspireDashboardAsync();
        using (dashboard)
        {
            var aspire = await Polling.WaitForJsonAsync(dashboard, $"/api/telemetry/traces/{traceId}",
                t => OtlpJsonSpan.All(t).Count >= labSpanIds.Count, timeoutMs: 30_000);
            var aspireSpans = OtlpJsonSpan.All(aspire);
            Assert.Equal(labSpanIds, aspireSpans.Select(s => s.SpanId).Order().ToList());
            Assert.All(aspireSpans, s => Assert.Equal(traceId, s.TraceId));
            Assert.Superset(new HashSet<string> { "gateway", "orderservice", "userservice", "notificationworker" }, aspireSpans.Select(s => s.Service).ToHashSet());
        }
    }
}
