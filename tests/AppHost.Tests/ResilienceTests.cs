using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.AppHost.Tests;

/// <summary>A crashed service is shown as such while the rest keep running.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task A_crashed_service_is_reported_and_the_rest_keep_running()
    {
        await using var app = await RunningApp.StartAsync();
        var exited = new TaskCompletionSource<ResourceSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.App.ResourceChanged += snapshot =>
        {
            if (snapshot is { Name: "shopper", State: ResourceState.Exited })
            {
                exited.TrySetResult(snapshot);
            }
        };

        var shopper = app.App.Snapshots.Single(s => s.Name == "shopper");
        Assert.NotNull(shopper.ProcessId);
        Process.GetProcessById(shopper.ProcessId.Value).Kill();

        var report = await exited.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(report.Healthy);
        Assert.Contains("exited with code", report.Message);

        using var response = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1, items = new[] { new { sku = "still-up", quantity = 1, unitPrice = 1m } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.All(app.App.Snapshots.Where(s => s.Name != "shopper"), s => Assert.Equal(ResourceState.Running, s.State));
    }
}
