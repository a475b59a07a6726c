using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Monitoring;
using DistributedTracing.Hosting.TraceLab;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Messages piling up and draining, live: each queue's depth on the broker and the outbox's backlog on the
/// orders database, as resource properties in Aspire's dashboard and as gauges in the Trace Lab.
/// </summary>
public static class QueueMonitoringBuilderExtensions
{
    public const string OrdersQueue = "orders";
    public const string DeadLetterQueue = "orders.dead-letter";
    public const string RetryQueuePrefix = "orders.retry.";

    /// <summary>Queue depths on <paramref name="messaging"/> and the outbox backlog on <paramref name="ordersDb"/>.</summary>
    public static IDistributedApplicationBuilder AddQueueMonitoring(this IDistributedApplicationBuilder builder,
        IResourceBuilder<IResourceWithConnectionString> messaging, IResourceBuilder<IResourceWithConnectionString> ordersDb)
    {
        messaging.WithQueueDepths();
        ordersDb.WithOutboxBacklog();
        return builder;
    }

    /// <summary>
    /// Properties <c>queue.orders</c>, <c>queue.orders.dead-letter</c>, <c>queue.orders.retry.1</c>, … (ready
    /// messages) and gauge <c>rabbitmq.queue.messages</c> by <c>messaging.destination.name</c>.
    /// </summary>
    public static IResourceBuilder<T> WithQueueDepths<T>(this IResourceBuilder<T> messaging)
        where T : IResourceWithConnectionString =>
        messaging.WithLiveFigures(new QueueDepthReader([OrdersQueue, DeadLetterQueue], RetryQueuePrefix),
            new FigureGauge(QueueDepthReader.Gauge, "{message}", "Messages ready in each queue."));

    /// <summary>
    /// Properties <c>outbox.pending</c> and <c>outbox.oldest_pending_ms</c>, gauges <c>outbox.messages.pending</c>
    /// and <c>outbox.messages.oldest_pending_age</c> (ms).
    /// </summary>
    public static IResourceBuilder<T> WithOutboxBacklog<T>(this IResourceBuilder<T> ordersDb)
        where T : IResourceWithConnectionString =>
        ordersDb.WithLiveFigures(new OutboxBacklogReader(),
            new FigureGauge(OutboxBacklogReader.PendingGauge, "{message}", "Outbox messages not yet published."),
            new FigureGauge(OutboxBacklogReader.OldestAgeGauge, "ms", "How long the oldest outbox message not yet published has waited."));

    /// <summary>Runs a <see cref="ResourceFigureMonitor"/> for the app's life, and its gauges where a Trace Lab runs.</summary>
    public static IResourceBuilder<T> WithLiveFigures<T>(this IResourceBuilder<T> resource, IResourceFigureReader reader, params FigureGauge[] gauges)
        where T : IResourceWithConnectionString
    {
        if (!resource.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return resource;
        }

        return resource.OnInitializeResource((monitored, @event, initializing) =>
        {
            var services = @event.Services;
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("DistributedTracing.AppHost.Monitoring");
            var monitor = new ResourceFigureMonitor(monitored, reader, @event.Notifications, logger);
            _ = Task.Run(() => monitor.RunAsync(stopping), stopping);
            var lab = services.GetRequiredService<DistributedApplicationModel>().Resources.FirstOrDefault(r => r.HasAnnotationOfType<TraceLabOtlpAnnotation>());
            if (lab is not null)
            {
                _ = Task.Run(() => FigureMetricsExport.RunAsync(monitor, gauges, lab, @event.Notifications, logger, stopping), stopping);
            }

            return Task.CompletedTask;
        });
    }
}
