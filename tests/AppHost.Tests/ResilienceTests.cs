using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// A crashed service is shown as such while the rest keep running, and Aspire's restart command brings it
/// back. The shopper crashes here: nothing waits for it, and the shared app's shopper places no orders.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ResilienceTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task A_crashed_service_is_reported_the_rest_keep_running_and_restart_brings_it_back()
    {
        var app = fixture.App;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var running = app.Snapshot("shopper");
        // The service itself crashes: the process DCP started, or, where DCP runs `dotnet run`, its child.
        var service = ProcessTable.OfResource(running, "DistributedTracing.Shopper");
        ProcessTable.Signal(service.Pid, ProcessTable.SIGKILL);

        // Shown as finished, with the exit code of a process killed by SIGKILL.
        var crashed = await app.Notifications.WaitForResourceAsync("shopper",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        Assert.Equal(KnownResourceStates.Finished, crashed.Snapshot.State?.Text);
        Assert.True(crashed.Snapshot.ExitCode is not (null or 0), $"exit code {crashed.Snapshot.ExitCode}");

        using var response = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1, items = new[] { new { sku = "still-up", quantity = 1, unitPrice = 1m } } }, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        foreach (var other in TestApp.Projects.Where(p => p != "shopper").Concat(["postgres", "messaging"]))
        {
            Assert.Equal(KnownResourceStates.Running, app.Snapshot(other).State?.Text);
        }

        var restart = await app.App.ResourceCommands.ExecuteCommandAsync(app.Timeline.ResourceId("shopper"), KnownResourceCommands.RestartCommand, timeout.Token);
        Assert.True(restart.Success, restart.Message);
        // A new process, started and healthy.
        await app.Notifications.WaitForResourceAsync("shopper",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
    }
}
