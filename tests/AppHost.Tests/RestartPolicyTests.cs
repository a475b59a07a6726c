using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using DistributedTracing.Hosting.Postgres;
using DistributedTracing.Hosting.RestartPolicy;
using RabbitMQ.Client;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The AppHost's own app with one more resource, a crasher that always exits 3, under a restart policy of
/// two quick restarts. Faults here kill real processes, so the app is this class's alone.
/// </summary>
public sealed class RestartPolicyAppFixture : IAsyncLifetime
{
    public const string Crasher = "crasher";

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(configure: builder =>
        builder.AddExecutable(Crasher, "sh", ".", "-c", "exit 3")
            .WithRestartPolicy(o => { o.MaxRestarts = 2; o.FirstDelay = TimeSpan.FromMilliseconds(200); }));

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>
/// WithRestartPolicy on the real app: a crash is restarted, a requested stop is not, the servers come back on
/// the same port and data, and a resource that keeps failing is given up on.
/// </summary>
public sealed class RestartPolicyTests(RestartPolicyAppFixture fixture) : IClassFixture<RestartPolicyAppFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private TestApp App => fixture.App;

    [Fact]
    public async Task A_killed_project_is_restarted_by_the_policy_and_becomes_healthy()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var running = await WaitHealthyAsync("notificationworker", timeout.Token);
        var countBefore = RestartCount(running);
        var service = ProcessTable.OfResource(running, "DistributedTracing.NotificationWorker");

        var clock = Stopwatch.StartNew();
        ProcessTable.Signal(service.Pid, ProcessTable.SIGKILL);
        await App.Notifications.WaitForResourceAsync("notificationworker",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        var toRunning = clock.ElapsedMilliseconds;
        var back = await App.Notifications.WaitForResourceAsync("notificationworker",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Console.WriteLine($"FIGURE notificationworker SIGKILL to Running again: {toRunning} ms, to healthy: {clock.ElapsedMilliseconds} ms (policy's first delay 1 s)");

        Assert.Equal(countBefore + 1, RestartCount(App.Snapshot("notificationworker")));
        Assert.Matches("restarted after exit code -?[1-9]", LastRestart(back.Snapshot));
    }

    [Fact]
    public async Task A_stop_asked_for_by_a_command_is_never_undone_until_the_start_command()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var running = await WaitHealthyAsync("notificationworker", timeout.Token);
        var countBefore = RestartCount(running);
        var id = App.Timeline.ResourceId("notificationworker");

        var stop = await App.App.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        await App.Notifications.WaitForResourceAsync("notificationworker", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        var stoppedAt = App.Timeline.Events.Count;

        // Ten seconds (the policy's first delay is one): nothing starts it.
        await Task.Delay(TimeSpan.FromSeconds(10), timeout.Token);
        var since = App.Timeline.Events.Skip(stoppedAt).Where(e => e.Resource == "notificationworker").ToList();
        Assert.DoesNotContain(since, e => e.Snapshot.State?.Text is "Starting" or "Running");
        Assert.Contains(App.Snapshot("notificationworker").State?.Text, KnownResourceStates.TerminalStates);

        var start = await App.App.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(start.Success, start.Message);
        await App.Notifications.WaitForResourceAsync("notificationworker",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Assert.Equal(countBefore, RestartCount(App.Snapshot("notificationworker")));
    }

    [Fact]
    public async Task A_killed_RabbitMQ_node_and_Aspires_restart_command_keep_the_port_credentials_and_durable_messages()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var running = await WaitHealthyAsync("messaging", timeout.Token);
        var connectionString = await App.App.GetConnectionStringAsync("messaging", timeout.Token);
        var factory = new ConnectionFactory { Uri = new Uri(connectionString!) };
        var queue = $"restart-test-{Guid.NewGuid():N}";
        byte[][] bodies = [Encoding.UTF8.GetBytes("kept across a crash"), Encoding.UTF8.GetBytes("kept across a restart")];
        await using (var connection = await factory.CreateConnectionAsync(timeout.Token))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), timeout.Token))
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: timeout.Token);
            foreach (var body in bodies)
            {
                await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, body, timeout.Token);
            }
        }

        // The Erlang VM itself, not the launcher.
        var node = ProcessTable.OfResource(running, p => p.CommandLine.Contains("beam.smp", StringComparison.Ordinal));
        ProcessTable.Signal(node.Pid, ProcessTable.SIGKILL);
        var crashed = await App.Notifications.WaitForResourceAsync("messaging", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        Assert.Equal(137, crashed.Snapshot.ExitCode);
        var back = await App.Notifications.WaitForResourceAsync("messaging",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Assert.Equal(connectionString, await App.App.GetConnectionStringAsync("messaging", timeout.Token));
        Assert.True(RestartCount(back.Snapshot) >= 1);
        Assert.Equal(bodies[0], await TakeOneAsync(factory, queue, timeout.Token));

        var restart = await App.App.ResourceCommands.ExecuteCommandAsync(App.Timeline.ResourceId("messaging"), KnownResourceCommands.RestartCommand, timeout.Token);
        Assert.True(restart.Success, restart.Message);
        await App.Notifications.WaitForResourceAsync("messaging",
            e => e.Snapshot.StartTimeStamp != back.Snapshot.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Assert.Equal(RestartCount(back.Snapshot), RestartCount(App.Snapshot("messaging")));
        Assert.Equal(connectionString, await App.App.GetConnectionStringAsync("messaging", timeout.Token));
        Assert.Equal(bodies[1], await TakeOneAsync(factory, queue, timeout.Token));
        await WaitAllHealthyAsync(timeout.Token);
    }

    private static async Task<byte[]?> TakeOneAsync(ConnectionFactory factory, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var message = await channel.BasicGetAsync(queue, autoAck: true, cancellationToken);
        if (await channel.MessageCountAsync(queue, cancellationToken) == 0)
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
        }

        return message?.Body.ToArray();
    }

    [Fact]
    public async Task A_killed_postmaster_and_Aspires_restart_command_keep_the_data_port_and_credentials()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var running = await WaitHealthyAsync("postgres", timeout.Token);
        var connectionString = await App.App.GetConnectionStringAsync("ordersdb", timeout.Token);
        var order = await PlaceOrderAsync(timeout.Token);

        // The postmaster itself, not the launcher: it leaves postmaster.pid behind.
        var postmaster = ProcessTable.OfResource(running, p => p.CommandLine.Contains("/postgres -D ", StringComparison.Ordinal));
        ProcessTable.Signal(postmaster.Pid, ProcessTable.SIGKILL);
        await App.Notifications.WaitForResourceAsync("postgres", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        var back = await App.Notifications.WaitForResourceAsync("postgres",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        // The database follows its server: down with it, and up with this start of it.
        await App.Notifications.WaitForResourceAsync("ordersdb",
            e => e.Snapshot.StartTimeStamp == back.Snapshot.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Assert.Contains(App.Timeline.Events, e => e.Resource == "ordersdb" && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
        Assert.Equal(connectionString, await App.App.GetConnectionStringAsync("ordersdb", timeout.Token));
        Assert.True(RestartCount(back.Snapshot) >= 1);
        await AssertOrderReadableAsync(order, timeout.Token);

        // Aspire's restart command: stopped on request, started again at once, same data.
        var restart = await App.App.ResourceCommands.ExecuteCommandAsync(App.Timeline.ResourceId("postgres"), KnownResourceCommands.RestartCommand, timeout.Token);
        Assert.True(restart.Success, restart.Message);
        await App.Notifications.WaitForResourceAsync("postgres",
            e => e.Snapshot.StartTimeStamp != back.Snapshot.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        Assert.Equal(RestartCount(back.Snapshot), RestartCount(App.Snapshot("postgres")));
        Assert.Equal(connectionString, await App.App.GetConnectionStringAsync("ordersdb", timeout.Token));
        await AssertOrderReadableAsync(order, timeout.Token);
        await WaitAllHealthyAsync(timeout.Token);
    }

    [Fact]
    public async Task PostgreSQL_starts_over_a_stale_postmaster_pid_whose_id_another_process_now_has()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var running = await WaitHealthyAsync("postgres", timeout.Token);
        var id = App.Timeline.ResourceId("postgres");
        var stop = await App.App.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        await App.Notifications.WaitForResourceAsync("postgres", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);

        // As after a SIGKILL whose pid was since given to another process (here: this test's).
        var dataDirectory = App.Resource<LocalPostgresServerResource>().DataDirectory;
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "postmaster.pid"), $"{Environment.ProcessId}\n{dataDirectory}\n", timeout.Token);

        var start = await App.App.ResourceCommands.ExecuteCommandAsync(id, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(start.Success, start.Message);
        await App.Notifications.WaitForResourceAsync("postgres",
            e => e.Snapshot.StartTimeStamp != running.StartTimeStamp && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);
        await WaitAllHealthyAsync(timeout.Token);
    }

    [Fact]
    public async Task A_resource_that_keeps_failing_is_given_up_on_after_its_restarts_with_the_reason()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var gaveUp = await App.Notifications.WaitForResourceAsync(RestartPolicyAppFixture.Crasher,
            e => LastRestart(e.Snapshot).StartsWith("gave up", StringComparison.Ordinal), timeout.Token);
        Assert.Equal(2, RestartCount(gaveUp.Snapshot));
        Assert.Equal("gave up: 2 restarts in 5 min; last exit code 3", LastRestart(gaveUp.Snapshot));

        // And it stays so.
        await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
        var now = App.Snapshot(RestartPolicyAppFixture.Crasher);
        Assert.Contains(now.State?.Text, KnownResourceStates.TerminalStates);
        Assert.Equal(2, RestartCount(now));
        Assert.Equal(3, App.Timeline.Events.Count(e => e.Resource == RestartPolicyAppFixture.Crasher && e.Snapshot.State?.Text == KnownResourceStates.Starting));
    }

    private Task<CustomResourceSnapshot> WaitHealthyAsync(string resource, CancellationToken cancellationToken) =>
        App.Notifications.WaitForResourceAsync(resource, e => ResourceTimeline.IsRunningAndHealthy(e.Snapshot), cancellationToken)
            .ContinueWith(t => t.Result.Snapshot, cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private Task WaitAllHealthyAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(TestApp.Projects.Concat(["postgres", "messaging"]).Select(r => App.Notifications.WaitForResourceHealthyAsync(r, cancellationToken)));

    /// <summary>
    /// Places an order and returns its address. Right after another test restarted PostgreSQL, OrderService's
    /// pool may still hand out a connection the restart broke: that request fails (502) and the next one works.
    /// </summary>
    private async Task<Uri> PlaceOrderAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var placed = await App.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1, items = new[] { new { sku = "survives-restart", quantity = 2, unitPrice = 3m } } }, cancellationToken);
            if (placed.StatusCode == HttpStatusCode.Created || attempt == 10)
            {
                Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
                return placed.Headers.Location!;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private async Task AssertOrderReadableAsync(Uri order, CancellationToken cancellationToken)
    {
        // OrderService's pool finds its old connections broken once; Npgsql opens new ones.
        HttpStatusCode status = 0;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            using var response = await App.Gateway.GetAsync(order, cancellationToken);
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                Assert.Contains("survives-restart", await response.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            }
            else
            {
                await Task.Delay(500, cancellationToken);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static int RestartCount(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == RestartProperties.Count)?.Value is int count ? count : 0;

    private static string LastRestart(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == RestartProperties.Last)?.Value as string ?? "";
}
