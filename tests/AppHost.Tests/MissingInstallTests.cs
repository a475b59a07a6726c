using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// When a server is not installed, its resource fails to start, what waits for it does not start either,
/// and what the resource wrote says what to install: no hang, no riddle. Both servers are missing in one
/// run (one start instead of two).
/// </summary>
public sealed class MissingInstallTests
{
    private static readonly (string Resource, string Hint)[] Missing =
    [
        ("postgres", "apt-get install postgresql"),
        ("messaging", "apt-get install rabbitmq-server"),
    ];

    [Fact]
    public async Task A_missing_server_fails_to_start_and_says_what_to_install()
    {
        TestApp? app = null;
        try
        {
            app = await TestApp.StartAsync(["--LocalPostgres:BinDirectory=/nonexistent", "--LocalRabbitMQ:ServerScript=/nonexistent/rabbitmq-server"], waitForHealthy: false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            foreach (var (resource, hint) in Missing)
            {
                var failed = await app.Notifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
                Assert.Equal(KnownResourceStates.FailedToStart, failed.Snapshot.State?.Text);
                var lines = await app.ReadLogsAsync(resource).WaitAsync(timeout.Token);
                Assert.True(lines.Any(line => line.Contains(hint, StringComparison.Ordinal)), $"{resource} wrote:\n{string.Join("\n", lines)}");
            }

            // What waits for them never starts, and says why.
            var userService = await app.Notifications.WaitForResourceAsync("userservice", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
            Assert.Equal(KnownResourceStates.FailedToStart, userService.Snapshot.State?.Text);
            Assert.Null(userService.Snapshot.StartTimeStamp);
        }
        catch (Exception ex) when (app is null && ex is not Xunit.Sdk.XunitException)
        {
            // Or the start itself fails, saying the same.
            Assert.All(Missing, m => Assert.Contains(m.Hint, ex.ToString()));
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }
}
