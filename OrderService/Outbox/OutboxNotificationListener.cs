using Npgsql;
using OpenTelemetry;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>
/// Listens on the PostgreSQL channel <c>outbox_messages</c>. PlaceOrder's transaction sends NOTIFY on it, which
/// PostgreSQL delivers on commit to every listener, so every OrderService instance's relay wakes for a new
/// row, not only the one that took the order. A lost connection is opened again (and the relay woken, since
/// rows may have come while nobody listened); the relay's slow poll covers the gap.
/// </summary>
public sealed class OutboxNotificationListener(string connectionString, OutboxSignal signal, ILogger<OutboxNotificationListener> logger)
    : BackgroundService
{
    public const string Channel = "outbox_messages";

    /// <summary>The statement PlaceOrder runs inside its transaction.</summary>
    public const string NotifySql = "NOTIFY " + Channel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Keepalives notice a server that went away without closing the connection.
        var listenerConnection = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 10, Pooling = false }.ConnectionString;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenerConnection);
                connection.Notification += (_, _) => signal.Notify();
                // Opening and LISTEN are plumbing, not part of any order's story: no spans for them.
                using (SuppressInstrumentationScope.Begin())
                {
                    await connection.OpenAsync(stoppingToken);
                    await using var listen = new NpgsqlCommand("LISTEN " + Channel, connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    logger.LogInformation("Listening on {Channel} again", Channel);
                }

                failures = 0;
                signal.Notify();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = RetryDelay.After(failures);
                logger.LogWarning("Cannot listen on {Channel} ({Error}); trying again in {DelayMs} ms", Channel, ex.Message, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
