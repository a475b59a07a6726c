using Aspire.Hosting.Testing;

namespace DistributedTracing.AppHost.Tests.Faults;

/// <summary>
/// An app of its own for the fault tests (they kill and stop its parts, which the shared app's tests must
/// not see), and a ledger over its databases. Each test starts from every resource running and healthy.
/// </summary>
public sealed class FaultAppFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public OrderLedger Ledger { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TestApp.StartAsync();
        Ledger = new OrderLedger(
            (await App.App.GetConnectionStringAsync("ordersdb"))!,
            (await App.App.GetConnectionStringAsync("notificationsdb"))!);
    }

    /// <summary>Every project and both servers running and healthy (a fault before may still be healing).</summary>
    public async Task WaitUntilAllHealthyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Task.WhenAll(TestApp.Projects.Concat(["postgres", "messaging"])
            .Select(r => App.Notifications.WaitForResourceAsync(r, e => ResourceTimeline.IsRunningAndHealthy(e.Snapshot), cancel.Token)));
    }

    /// <summary>Runs one of Aspire's commands (stop, start, restart) on a resource and checks it succeeded.</summary>
    public async Task ExecuteCommandAsync(string resource, string command, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var result = await App.App.ResourceCommands.ExecuteCommandAsync(App.Timeline.ResourceId(resource), command, cancel.Token);
        Assert.True(result.Success, $"{command} {resource}: {result.Message}");
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
