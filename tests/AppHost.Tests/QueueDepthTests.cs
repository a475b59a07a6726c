using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using DistributedTracing.TraceLab.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// Queue depths and the outbox backlog, live, on the real app: messages pile up in <c>orders</c> while the
/// worker is stopped and drain when it starts; outbox rows show as <c>ordersdb</c>'s backlog; the same
/// figures reach the Trace Lab as gauges; a broker restart costs one warning and the figures come back.
/// </summary>
public sealed class QueueDepthTests(ITestOutputHelper output)
{
    private const int Messages = 25;
    private const int OutboxRows = 4;

    [Fact]
    public async Task Messages_pile_up_and_drain_as_properties_and_gauges_and_the_outbox_backlog_shows()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(configure: builder => builder.Services.AddLogging(l => l.AddProvider(logs)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        // The worker declared its queues when it started; the monitor reads them within a second or two.
        await WaitForPropertyAsync(app, "messaging", "queue.orders", 0, timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders.dead-letter", 0, timeout.Token);

        await RunCommandAsync(app, "notificationworker", KnownResourceCommands.StopCommand, timeout.Token);
        await app.Notifications.WaitForResourceAsync("notificationworker",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        await PublishJunkAsync(app, Messages, timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders", Messages, timeout.Token);

        // Started again, the worker takes them all; not being orders, they end in the dead-letter queue.
        await RunCommandAsync(app, "notificationworker", KnownResourceCommands.StartCommand, timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders", 0, timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders.dead-letter", Messages, timeout.Token);

        // The same story in the Trace Lab, from the AppHost's gauges under service.name messaging.
        var messaging = await WaitForLabResourceAsync(app, "messaging");
        var points = await app.WaitForLabAsync($"/api/metrics/points?resource={Uri.EscapeDataString(messaging)}&name=rabbitmq.queue.messages",
            m => QueuePoints(m, "orders").Any(v => v == Messages) && QueuePoints(m, "orders").Last() == 0);
        Assert.Equal("Gauge", points[0]!["instrument"]!["type"]!.GetValue<string>());
        await app.WaitForLabAsync("/api/queues", q => q["series"]!.AsArray()
            .Any(s => s!["service"]!.GetValue<string>() == "messaging" && s["queue"]?.GetValue<string>() == "orders.dead-letter" && s["value"]!.GetValue<double>() == Messages));

        // Outbox rows not yet sent, with OrderService (and so any relay) stopped so they stay pending.
        await RunCommandAsync(app, "orderservice", KnownResourceCommands.StopCommand, timeout.Token);
        await app.Notifications.WaitForResourceAsync("orderservice", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        var ordersDb = await app.App.GetConnectionStringAsync("ordersdb", timeout.Token);
        var ids = await InsertPendingOutboxRowsAsync(ordersDb!, OutboxRows, timeout.Token);
        var backlog = await WaitForPropertyAsync(app, "ordersdb", "outbox.pending", OutboxRows, timeout.Token);
        Assert.InRange(Property(backlog, "outbox.oldest_pending_ms") ?? 0, 5_000, 120_000);
        var lab = await WaitForLabResourceAsync(app, "ordersdb");
        await app.WaitForLabAsync($"/api/metrics/points?resource={Uri.EscapeDataString(lab)}&name=outbox.messages.pending",
            m => m[0]!["points"]!.AsArray().Any(p => p!["value"]!.GetValue<double>() == OutboxRows));
        await DeleteOutboxRowsAsync(ordersDb!, ids, timeout.Token);
        await WaitForPropertyAsync(app, "ordersdb", "outbox.pending", 0, timeout.Token);

        // The broker stopped and started: one warning at most, then the figures move again.
        await RunCommandAsync(app, "messaging", KnownResourceCommands.StopCommand, timeout.Token);
        await app.Notifications.WaitForResourceAsync("messaging", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
        await RunCommandAsync(app, "messaging", KnownResourceCommands.StartCommand, timeout.Token);
        await app.Notifications.WaitForResourceHealthyAsync("messaging", timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders", 0, timeout.Token);
        await PublishJunkAsync(app, 1, timeout.Token);
        await WaitForPropertyAsync(app, "messaging", "queue.orders.dead-letter", Messages + 1, timeout.Token);
        foreach (var entry in logs.Entries.Where(e => e.Contains("DistributedTracing.AppHost.Monitoring", StringComparison.Ordinal)))
        {
            output.WriteLine(entry);
        }

        // Each NOT_FOUND answer is a channel error in the broker's log: missing queues are asked about rarely.
        var notFound = (await app.ReadLogsAsync("messaging")).Where(l => l.Contains("not_found", StringComparison.OrdinalIgnoreCase)).ToList();
        output.WriteLine($"{notFound.Count} NOT_FOUND lines in messaging's log; first: {notFound.FirstOrDefault()}");
        Assert.InRange(notFound.Count, 0, 20);

        Assert.NotEmpty(logs.Entries); // the capture works: what it lacks, the AppHost did not log
        var warnings = logs.Entries.Where(e => e.StartsWith("Warning DistributedTracing.AppHost.Monitoring", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count <= 1, string.Join("\n", warnings));
        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Error DistributedTracing.AppHost.Monitoring", StringComparison.Ordinal));
    }

    private static async Task<CustomResourceSnapshot> WaitForPropertyAsync(TestApp app, string resource, string property, long expected, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var update = await app.Notifications.WaitForResourceAsync(resource, e => Property(e.Snapshot, property) == expected, wait.Token);
            return update.Snapshot;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"{resource}'s {property} did not reach {expected}; last: {Property(app.Snapshot(resource), property)?.ToString() ?? "(none)"}");
            throw;
        }
    }

    private static long? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static async Task RunCommandAsync(TestApp app, string resource, string command, CancellationToken cancellationToken)
    {
        var result = await app.App.ResourceCommands.ExecuteCommandAsync(app.Timeline.ResourceId(resource), command, cancellationToken);
        Assert.True(result.Success, $"{command} {resource}: {result.Message}");
    }

    /// <summary>Persistent messages straight into the orders queue, confirmed by the broker.</summary>
    private static async Task PublishJunkAsync(TestApp app, int count, CancellationToken cancellationToken)
    {
        var connectionString = await app.App.GetConnectionStringAsync("messaging", cancellationToken);
        await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString!) }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        for (var i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync("", "orders", mandatory: true, new BasicProperties { Persistent = true },
                Encoding.UTF8.GetBytes($"queue depth test {i}: not an order"), cancellationToken);
        }
    }

    private static IEnumerable<double> QueuePoints(JsonNode metrics, string queue) =>
        metrics[0]!["points"]!.AsArray()
            .Where(p => p!["attributes"]!.AsArray().Any(a => a!["key"]!.GetValue<string>() == "messaging.destination.name" && a["value"]!.ToString() == queue))
            .Select(p => p!["value"]!.GetValue<double>());

    /// <summary>The Lab's id for the AppHost's exports under <paramref name="serviceName"/>.</summary>
    private static async Task<string> WaitForLabResourceAsync(TestApp app, string serviceName)
    {
        var resources = await app.WaitForLabAsync("/api/telemetry-resources", r => r.AsArray().Any(x => x!["serviceName"]!.GetValue<string>() == serviceName));
        return resources.AsArray().First(x => x!["serviceName"]!.GetValue<string>() == serviceName)!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Rows as the outbox stores them (contract.md's columns), created five seconds ago. The table is
    /// OrderService's; where its migration has not run (a branch without the outbox), the test makes it.
    /// </summary>
    private static async Task<Guid[]> InsertPendingOutboxRowsAsync(string connectionString, int count, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS outbox_messages (
                id uuid PRIMARY KEY, message_type text NOT NULL, body bytea NOT NULL,
                traceparent text NULL, tracestate text NULL, baggage text NULL,
                created_at timestamptz NOT NULL, sent_at timestamptz NULL,
                attempts int NOT NULL DEFAULT 0, last_error text NULL)
            """))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        await using var insert = dataSource.CreateCommand("""
            INSERT INTO outbox_messages (id, message_type, body, created_at)
            SELECT id, 'OrderPlaced', '\x7b7d'::bytea, now() - interval '5 seconds' FROM unnest($1) AS id
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = ids });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return ids;
    }

    private static async Task DeleteOutboxRowsAsync(string connectionString, Guid[] ids, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var delete = dataSource.CreateCommand("DELETE FROM outbox_messages WHERE id = ANY($1)");
        delete.Parameters.Add(new NpgsqlParameter { Value = ids });
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
