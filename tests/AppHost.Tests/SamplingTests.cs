using System.Net;
using System.Net.Http.Json;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// parentbased_traceidratio at 0.1 given to the AppHost replaces Aspire's development default (always_on)
/// in every project: the gateway decides once per trace and every service downstream follows the flag in
/// the context, so each trace is whole or absent.
/// </summary>
public sealed class SamplingTests
{
    [Fact]
    public async Task A_clean_start_logs_no_warning_and_every_trace_is_complete_or_absent_and_about_a_tenth_are_kept()
    {
        await using var app = await TestApp.StartAsync(["--OTEL_TRACES_SAMPLER=parentbased_traceidratio", "--OTEL_TRACES_SAMPLER_ARG=0.1"]);
        foreach (var project in new[] { "gateway", "orderservice", "userservice", "notificationworker" })
        {
            var environment = app.Snapshot(project).EnvironmentVariables;
            Assert.Contains(environment, v => v is { Name: "OTEL_TRACES_SAMPLER", Value: "parentbased_traceidratio" });
            Assert.Contains(environment, v => v is { Name: "OTEL_TRACES_SAMPLER_ARG", Value: "0.1" });
        }

        // A clean start (fresh databases, first migrations) logs no warning or error in any service: Aspire's
        // dashboard shows none of its error badges. Each service exports its logs within a second or two.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var startupLogs = (await app.Lab.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>("/api/logs?level=warning&limit=5"))!;
        Assert.True(startupLogs["total"]!.GetValue<int>() == 0, $"warnings or errors at start-up: {startupLogs["items"]!.ToJsonString()}");

        // 200 orders, four at a time.
        const int orders = 200;
        var traceIds = new string[orders];
        await Parallel.ForAsync(0, orders, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            using var response = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1 + (i % 3), items = new[] { new { sku = "sample", quantity = 1, unitPrice = 1m } } }, ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            traceIds[i] = JsonHelpers.TraceIdOf(response);
        });
        Assert.Equal(orders, traceIds.Distinct().Count());

        // Let every service's last batch arrive, then see which traces the Lab has, and that each is whole.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var kept = new List<string>();
        foreach (var traceId in traceIds)
        {
            using var response = await app.Lab.GetAsync($"/api/traces/{traceId}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{traceId}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                kept.Add(traceId);
            }
        }

        var traces = await Task.WhenAll(kept.Select(traceId => app.WaitForOrderTraceAsync(traceId)));
        Assert.All(traces, trace => Assert.Equal(
            new HashSet<string> { "gateway", "orderservice", "userservice", "notificationworker" },
            trace["summary"]!["services"].Items().Select(s => s["name"].Str()).ToHashSet()));
        // 10% of 200 is 20; three standard deviations (about 4.2 each) either side.
        Assert.InRange(kept.Count, 7, 33);
    }
}

/// <summary>Without a sampler given to the AppHost, Aspire's development default reaches every project: every trace is kept.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class DefaultSamplingTests(SharedAppFixture fixture)
{
    [Fact]
    public void Every_project_gets_Aspires_always_on()
    {
        foreach (var project in TestApp.Projects)
        {
            Assert.Contains(fixture.App.Snapshot(project).EnvironmentVariables, v => v is { Name: "OTEL_TRACES_SAMPLER", Value: "always_on" });
        }
    }
}
