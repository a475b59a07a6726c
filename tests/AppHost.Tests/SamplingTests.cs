using System.Net;
using System.Net.Http.Json;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// parentbased_traceidratio at 0.1: the gateway decides once per trace and every service downstream
/// follows the flag in the context, so each trace is whole or absent.
/// </summary>
public sealed class SamplingTests
{
    [Fact]
    public async Task Every_trace_is_complete_or_absent_and_about_a_tenth_are_kept()
    {
        await using var app = await RunningApp.StartAsync("--OTEL_TRACES_SAMPLER=parentbased_traceidratio", "--OTEL_TRACES_SAMPLER_ARG=0.1");
        const int orders = 200;
        var traceIds = new List<string>();
        for (var i = 0; i < orders; i++)
        {
            using var response = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1 + (i % 3), items = new[] { new { sku = "sample", quantity = 1, unitPrice = 1m } } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            traceIds.Add(JsonHelpers.TraceIdOf(response));
        }

        // Let every service's last batch arrive.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var kept = 0;
        foreach (var traceId in traceIds)
        {
            using var response = await app.Dashboard.GetAsync($"/api/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue;
            }

            kept++;
            var trace = await app.WaitForOrderTraceAsync(traceId);
            var services = trace["summary"]!["services"].Items().Select(s => s["name"].Str()).ToHashSet();
            Assert.Equal(new HashSet<string> { "gateway", "orderservice", "userservice", "notificationworker" }, services);
        }

        // 10% of 200 is 20; three standard deviations (about 4.2 each) either side.
        Assert.InRange(kept, 7, 33);
    }
}
