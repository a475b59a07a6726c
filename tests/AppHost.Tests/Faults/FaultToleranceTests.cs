using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace DistributedTracing.AppHost.Tests.Faults;

/// <summary>
/// One fault at a time under a steady stream of orders (200, one every 40 ms; the fault a third of the way
/// in), then the count: see <see cref="OrderBalance"/>. Figures go to the test output as FIGURE lines.
/// </summary>
public sealed class FaultToleranceTests(FaultAppFixture fixture, ITestOutputHelper output) : IClassFixture<FaultAppFixture>
{
    private const int FaultAt = 66;
    private static readonly TimeSpan PerOrderTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);

    private TestApp App => fixture.App;

    [Fact]
    public async Task Worker_killed_with_SIGKILL_is_restarted_by_the_policy_and_nothing_is_lost()
    {
        await fixture.WaitUntilAllHealthyAsync(Recovery);
        var before = App.Snapshot("notificationworker");
        var restartsBefore = RestartCount(before);
        var stream = NewStream("kill-worker");
        var run = stream.RunAsync(PerOrderTimeout);
        await stream.SentAsync(FaultAt);

        ProcessTable.Signal(ProcessTable.OfResource(before, "DistributedTracing.NotificationWorker").Pid, ProcessTable.SIGKILL);
        var killedAt = DateTime.UtcNow;
        var killed = Stopwatch.StartNew();
        using (var cancel = new CancellationTokenSource(Recovery))
        {
            await App.Notifications.WaitForResourceAsync("notificationworker",
                e => e.Snapshot.StartTimeStamp != before.StartTimeStamp && e.Snapshot.State?.Text == KnownResourceStates.Running, cancel.Token);
            var running = killed.Elapsed;
            await App.Notifications.WaitForResourceAsync("notificationworker",
                e => e.Snapshot.StartTimeStamp != before.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), cancel.Token);
            Figure($"worker SIGKILL to running again: {running.TotalSeconds:0.0} s (healthy after {killed.Elapsed.TotalSeconds:0.0} s)");
        }

        var answers = await run;
        Assert.All(answers, a => Assert.True(a.Accepted, $"unexpected answer {a}"));
        // The killed worker's last spans die with it: orders it handled in the second or so before the kill may
        // show orphans (UserService's span waiting for a parent that never comes). Every order sent after the kill
        // must be one whole tree.
        var result = await OrderBalance.CheckAsync(App, fixture.Ledger, stream, answers, spansMayBeLost: a => a.SentAt < killedAt);
        Figure($"worker SIGKILL: {result.BrokenTraces} of {answers.Count(a => a.SentAt < killedAt)} orders sent before the kill lost worker spans with it");
        Assert.Equal(restartsBefore + 1, RestartCount(App.Snapshot("notificationworker")));
    }

    [Fact]
    public async Task RabbitMQ_node_killed_with_SIGKILL_is_restarted_and_the_outbox_keeps_every_order()
    {
        await fixture.WaitUntilAllHealthyAsync(Recovery);
        var before = App.Snapshot("messaging");
        var stream = NewStream("kill-broker");
        var run = stream.RunAsync(PerOrderTimeout);
        await stream.SentAsync(FaultAt);

        ProcessTable.Signal(ProcessTable.OfResource(before, "beam.smp").Pid, ProcessTable.SIGKILL);
        var killedAt = DateTime.UtcNow;
        using (var cancel = new CancellationTokenSource(Recovery))
        {
            await App.Notifications.WaitForResourceAsync("messaging",
                e => e.Snapshot.StartTimeStamp != before.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), cancel.Token);
        }

        // The outbox drains once the broker is back: time it from there to the first empty outbox.
        var backAt = DateTime.UtcNow;
        var drained = await Polling.UntilAsync(async () => await fixture.Ledger.OutboxPendingAsync() == 0, Recovery);
        var drainTime = DateTime.UtcNow - backAt;
        Assert.True(drained, "the outbox did not drain");

        var answers = await run;
        // The gateway answers 201 throughout: the order is stored, the message waits in the outbox.
        Assert.All(answers, a => Assert.True(a.Accepted, $"unexpected answer {a}"));
        var traces = (await OrderBalance.CheckAsync(App, fixture.Ledger, stream, answers)).Traces;

        var waits = traces.Select(t => OrderBalance.Attribute(t, "publish orders", "outbox.wait_ms")).ToList();
        Assert.All(waits, w => Assert.NotNull(w));
        var longest = waits.Max(w => long.Parse(w!, CultureInfo.InvariantCulture));
        var duringOutage = answers.Count(a => a.SentAt >= killedAt && a.SentAt < backAt);
        Assert.True(duringOutage > 0, "no order was placed while the broker was away");
        Assert.True(traces.Any(t => t["spans"].Items().Any(s => s["events"]?.AsArray().Any(e => e?["name"]?.ToString() == "outbox.waited") == true)),
            "no publish span says it waited in the outbox");
        Figure($"broker outage: {(backAt - killedAt).TotalSeconds:0.0} s, orders placed during it: {duringOutage}, all answered 201");
        Figure($"longest wait in the outbox: {longest} ms; broker back to empty outbox: {drainTime.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task PostgreSQL_restarted_with_Aspires_command_leaves_no_order_half_done()
    {
        await fixture.WaitUntilAllHealthyAsync(Recovery);
        var stream = NewStream("restart-postgres");
        var run = stream.RunAsync(PerOrderTimeout);
        await stream.SentAsync(FaultAt);

        var restart = Stopwatch.StartNew();
        await fixture.ExecuteCommandAsync("postgres", KnownResourceCommands.RestartCommand, Recovery);
        Figure($"postgres restart command took {restart.Elapsed.TotalSeconds:0.0} s");

        var answers = await run;
        await OrderBalance.AssertOnlyOutageAnswersAsync(App, answers);
        await fixture.WaitUntilAllHealthyAsync(Recovery);
        await OrderBalance.CheckAsync(App, fixture.Ledger, stream, answers);
        Figure($"during the postgres restart: {answers.Count(a => a.Accepted)} of {answers.Count} orders answered 201, the rest {string.Join(", ", answers.Where(a => !a.Accepted).GroupBy(a => a.Status?.ToString() ?? a.Failure).Select(g => $"{g.Count()} {g.Key}"))}");
    }

    [Fact]
    public async Task Worker_stopped_with_Aspires_command_stays_stopped_then_catches_up_when_started()
    {
        await fixture.WaitUntilAllHealthyAsync(Recovery);
        var stream = NewStream("stop-worker");
        var run = stream.RunAsync(PerOrderTimeout);
        await stream.SentAsync(FaultAt);

        await fixture.ExecuteCommandAsync("notificationworker", KnownResourceCommands.StopCommand, Recovery);
        var stoppedAt = App.Timeline.Events.Count;
        // A stop asked for is never undone: nothing starts the worker in ten seconds.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var since = App.Timeline.Events.Skip(stoppedAt).Where(e => e.Resource == "notificationworker").ToList();
        Assert.DoesNotContain(since, e => e.Snapshot.State?.Text is "Running" or "Starting");
        Assert.NotEqual(KnownResourceStates.Running, App.Snapshot("notificationworker").State?.Text);

        await fixture.ExecuteCommandAsync("notificationworker", KnownResourceCommands.StartCommand, Recovery);
        var answers = await run;
        Assert.All(answers, a => Assert.True(a.Accepted, $"unexpected answer {a}"));
        await OrderBalance.CheckAsync(App, fixture.Ledger, stream, answers);
    }

    // A prefix of its own per stream, so the databases tell this stream's orders from any other's.
    private OrderStream NewStream(string fault) => new(App.Gateway, $"{fault}-{Guid.NewGuid().ToString("N")[..8]}");

    private static int RestartCount(CustomResourceSnapshot snapshot) =>
        int.Parse(snapshot.Properties.SingleOrDefault(p => p.Name == "restart.count")?.Value?.ToString() ?? "0", CultureInfo.InvariantCulture);

    private void Figure(string text) => output.WriteLine($"FIGURE {text}");
}
