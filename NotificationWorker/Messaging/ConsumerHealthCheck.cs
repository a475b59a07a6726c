using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>Healthy while the worker is registered as a consumer of <c>orders</c>: connected is not enough.</summary>
public sealed class ConsumerHealthCheck(OrderPlacedConsumer consumer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(consumer.IsConsuming
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("not consuming the orders queue (RabbitMQ unreachable, or the consumer is starting over)"));
}
