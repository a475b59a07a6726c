using Microsoft.EntityFrameworkCore;
using OpenTelemetry;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>
/// Keeps ordersdb's bookkeeping tables bounded: sent outbox rows go after an hour (long enough to look at a
/// recent one), idempotency keys after 24 hours (a client retrying later than that is placing a new order).
/// </summary>
public sealed class OutboxCleanup(OutboxDbContextFactory contexts, ILogger<OutboxCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan KeepSent = TimeSpan.FromHours(1);
    private static readonly TimeSpan KeepKeys = TimeSpan.FromHours(24);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var db = contexts.Create();
                using var quiet = SuppressInstrumentationScope.Begin();
                var sentBefore = DateTimeOffset.UtcNow - KeepSent;
                var keysBefore = DateTimeOffset.UtcNow - KeepKeys;
                var messages = await db.OutboxMessages.Where(m => m.SentAt < sentBefore).ExecuteDeleteAsync(stoppingToken);
                var keys = await db.IdempotencyKeys.Where(k => k.CreatedAt < keysBefore).ExecuteDeleteAsync(stoppingToken);
                if (messages + keys > 0)
                {
                    logger.LogInformation("Deleted {Messages} sent outbox rows and {Keys} expired idempotency keys", messages, keys);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Outbox clean-up failed ({Error}); next try in {Interval}", ex.Message, Interval);
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
