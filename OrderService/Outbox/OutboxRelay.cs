using DistributedTracing.OrderService.Messaging;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>
/// Publishes pending outbox rows. It wakes when a row is committed (<see cref="OutboxSignal"/>: PlaceOrder in
/// this process, or NOTIFY from any instance), or every 5 s as a fallback, and publishes until nothing is
/// pending. While the broker (or the database) is away it tries again after 0.5 s, 1 s, 2 s, 4 s, then every 5 s,
/// with one log line per try, and new orders do not wake it in between: no hot loop. The connection's recovery
/// (the broker is back) does.
/// </summary>
public sealed class OutboxRelay(OutboxDbContextFactory contexts, OrderEventPublisher publisher, OutboxSignal signal, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    public const int BatchSize = 50;
    private const int MaxErrorLength = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var brokerBack = publisher.BrokerBack;
            try
            {
                await DrainAsync(stoppingToken);
                if (failures > 0)
                {
                    logger.LogInformation("Outbox relay publishing again after {Failures} failed tries", failures);
                }

                failures = 0;
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let a fault stop the host: the rows stay pending and the next try picks them up.
                failures++;
                var delay = RetryDelay.After(failures);
                logger.LogWarning("Outbox relay cannot publish ({Error}); trying again in {DelayMs} ms, or as soon as the broker is back", ex.Message, delay.TotalMilliseconds);
                // The broker's return ends the wait early, so the backlog drains within a moment of it.
                await Task.WhenAny(Task.Delay(delay, stoppingToken), brokerBack);
            }
        }
    }

    /// <summary>Publishes batch after batch until one comes back short; throws on the first failure.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await PublishBatchAsync(cancellationToken) == BatchSize)
        {
        }
    }

    /// <summary>
    /// Claims up to <see cref="BatchSize"/> pending rows, oldest first, publishes each with publisher confirms and
    /// marks it sent, all in one transaction. FOR UPDATE SKIP LOCKED: a second relay (another OrderService
    /// instance) skips the rows this one holds and takes the next ones, so no row is published by both. A crash
    /// after a confirm and before the commit publishes that row again later: the worker absorbs duplicates.
    /// </summary>
    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();

        // The relay's own queries would be a new trace every few seconds: its spans are the publishes, each in its order's trace.
        using var quiet = SuppressInstrumentationScope.Begin();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.OutboxMessages
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY created_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);

        Exception? failure = null;
        foreach (var message in batch)
        {
            message.Attempts++;
            try
            {
                using (SuppressInstrumentationScope.Begin(false))
                {
                    await publisher.PublishAsync(message, cancellationToken);
                }

                message.SentAt = DateTimeOffset.UtcNow;
                message.LastError = null;
            }
            catch (Exception ex)
            {
                // The broker is away (or refused): the rest of the batch would fail the same way.
                if (!cancellationToken.IsCancellationRequested)
                {
                    message.LastError = ex.Message.Length <= MaxErrorLength ? ex.Message : ex.Message[..MaxErrorLength];
                }

                failure = ex;
                break;
            }
        }

        // Confirmed publishes are recorded even when stopping, so they are not sent twice.
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        if (failure is not null)
        {
            throw failure;
        }

        return batch.Count;
    }
}
