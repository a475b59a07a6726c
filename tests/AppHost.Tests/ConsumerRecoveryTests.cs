using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// RabbitMQ stopped and started again with Aspire's commands: the worker shows unhealthy meanwhile, does not
/// crash, and consumes again afterwards as the same process (RabbitMQ.Client's automatic recovery brings back
/// its connection, channel and consumer).
/// </summary>
[Collection(RetryAppCollection.Name)]
public sealed class ConsumerRecoveryTests(RetryAppFixture fixture)
{
    [Fact]
    public async Task After_a_broker_restart_the_same_worker_process_consumes_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var running = fixture.App.Snapshot("notificationworker");
        var worker = ProcessTable.OfResource(running, "DistributedTracing.NotificationWorker");

        await fixture.CommandAsync("messaging", KnownResourceCommands.StopCommand, timeout.Token);
        try
        {
            await fixture.WaitForStoppedAsync("messaging", timeout.Token);
            await fixture.App.Notifications.WaitForResourceAsync("notificationworker",
                e => e.Snapshot.HealthStatus == HealthStatus.Unhealthy, timeout.Token);
        }
        finally
        {
            await fixture.CommandAsync("messaging", KnownResourceCommands.StartCommand, CancellationToken.None);
        }

        await fixture.WaitForHealthyAsync("messaging", timeout.Token);
        await fixture.WaitForHealthyAsync("notificationworker", timeout.Token);

        var orderId = RetryAppFixture.NewOrderId();
        await fixture.PublishAsync(RetryAppFixture.OrderPlacedBody(orderId));
        Assert.True(await Polling.UntilAsync(async () => await fixture.CountNotificationsAsync(orderId) == 1, TimeSpan.FromSeconds(60)),
            "the worker did not consume after the broker came back");
        Assert.True(ProcessTable.IsAlive(worker), "the worker process was replaced");
        Assert.Equal(running.StartTimeStamp, fixture.App.Snapshot("notificationworker").StartTimeStamp);
    }

    [Fact]
    public async Task A_worker_started_while_the_broker_is_down_runs_unhealthy_then_consumes_once_it_is_back()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await fixture.CommandAsync("messaging", KnownResourceCommands.StopCommand, timeout.Token);
        try
        {
            await fixture.WaitForStoppedAsync("messaging", timeout.Token);
            var before = fixture.App.Snapshot("notificationworker").StartTimeStamp;
            var lastLog = (await fixture.App.Lab.GetFromJsonAsync<JsonNode>("/api/logs?limit=1", timeout.Token))!["items"]!.AsArray()
                .Select(l => l!["sequence"]!.GetValue<long>()).FirstOrDefault();
            await fixture.CommandAsync("notificationworker", KnownResourceCommands.RestartCommand, timeout.Token);
            await fixture.App.Notifications.WaitForResourceAsync("notificationworker",
                e => e.Snapshot.StartTimeStamp != before && e.Snapshot.State?.Text == KnownResourceStates.Running
                    && e.Snapshot.HealthStatus == HealthStatus.Unhealthy, timeout.Token);
            // It keeps running (trying to connect, with pauses) rather than exiting.
            await Task.Delay(TimeSpan.FromSeconds(5), timeout.Token);
            Assert.Equal(KnownResourceStates.Running, fixture.App.Snapshot("notificationworker").State?.Text);

            // Just started, it says so as information, not as a warning: a broker still starting is no fault.
            var notYet = await fixture.App.WaitForLabAsync($"/api/logs?service=notificationworker&after={lastLog}&text=not+reachable+yet&limit=5",
                logs => logs["total"]!.GetValue<int>() > 0);
            Assert.Equal("Information", notYet["items"]![0]!["severityText"]!.GetValue<string>());
            var warnings = await fixture.App.Lab.GetFromJsonAsync<JsonNode>(
                $"/api/logs?service=notificationworker&after={lastLog}&level=warning&text=Cannot+consume&limit=5", timeout.Token);
            Assert.Equal(0, warnings!["total"]!.GetValue<int>());
        }
        finally
        {
            await fixture.CommandAsync("messaging", KnownResourceCommands.StartCommand, CancellationToken.None);
        }

        await fixture.WaitForHealthyAsync("messaging", timeout.Token);
        await fixture.WaitForHealthyAsync("notificationworker", timeout.Token);
        var orderId = RetryAppFixture.NewOrderId();
        await fixture.PublishAsync(RetryAppFixture.OrderPlacedBody(orderId));
        Assert.True(await Polling.UntilAsync(async () => await fixture.CountNotificationsAsync(orderId) == 1, TimeSpan.FromSeconds(60)),
            "the worker did not consume once the broker was up");
    }
}
