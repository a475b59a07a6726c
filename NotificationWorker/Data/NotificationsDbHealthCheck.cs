using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DistributedTracing.NotificationWorker.Data;

/// <summary>Unhealthy while notificationsdb cannot be reached: the worker keeps running and its messages wait in the retry queues.</summary>
public sealed class NotificationsDbHealthCheck(NotificationsDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("cannot connect to notificationsdb");
}
