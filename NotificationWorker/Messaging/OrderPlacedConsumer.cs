using System.Diagnostics;
using DistributedTracing.Messaging;
using DistributedTracing.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// Consumes the <c>orders</c> queue. Starts whether or not RabbitMQ is up (it keeps trying, with growing
/// pauses, and /health says unhealthy meanwhile); once consuming, RabbitMQ.Client's automatic recovery brings
/// the connection, the channel, the queues it declared and this consumer back after a broker restart.
/// Each delivery is handed to <see cref="OrderPlacedDelivery"/>.
/// </summary>
public sealed partial class OrderPlacedConsumer(
    RabbitMqConnectionProvider connections,
    OrderPlacedDelivery deliveries,
    IOptions<RetryOptions> retry,
    ILogger<OrderPlacedConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after the worker starts a broker out of reach is expected rather than a problem: the worker does
    /// not wait for RabbitMQ to start (so it can run, unhealthy, while the broker is away), and at a clean start on
    /// a busy machine the broker may still be starting.
    /// </summary>
    private static readonly TimeSpan StartingGrace = TimeSpan.FromSeconds(30);

    private readonly long _startedAt = Stopwatch.GetTimestamp();

    /// <summary>True once the consumer is registered with the broker (for /health).</summary>
    public bool IsConsuming { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var (channel, closedByBroker) = await StartConsumingAsync(stoppingToken);
            try
            {
                IsConsuming = true;
                var reason = await closedByBroker.Task.WaitAsync(stoppingToken);
                LogChannelClosed(logger, reason);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Closing returns unacked deliveries to the queue: a handler cut short by the stop loses nothing.
                await channel.CloseAsync(CancellationToken.None);
            }
            finally
            {
                IsConsuming = false;
                await channel.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Connects, declares and consumes, trying again with growing pauses until it works. Also returns a task that
    /// completes if the broker closes the channel while the connection stays up (a channel-level error, which
    /// automatic recovery does not undo, unlike a lost connection): then the consumer starts over.
    /// </summary>
    private async Task<(IChannel Channel, TaskCompletionSource<string> ClosedByBroker)> StartConsumingAsync(CancellationToken stoppingToken)
    {
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            IChannel? channel = null;
            try
            {
                var connection = await connections.GetConnectionAsync(stoppingToken);
                channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                var closedByBroker = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, shutdown) =>
                {
                    if (connection.IsOpen && shutdown.Initiator == ShutdownInitiator.Peer)
                    {
                        closedByBroker.TrySetResult($"{shutdown.ReplyCode} {shutdown.ReplyText}");
                    }

                    return Task.CompletedTask;
                };
                await DeclareTopologyAsync(channel, stoppingToken);
                await channel.BasicQosAsync(0, prefetchCount: 8, global: false, stoppingToken);

                var consumer = new AsyncEventingBasicConsumer(channel);
                var consuming = channel;
                consumer.ReceivedAsync += (_, delivery) => deliveries.HandleAsync(consuming, delivery, stoppingToken);
                await channel.BasicConsumeAsync(OrderPlaced.Queue, autoAck: false, consumer, stoppingToken);
                LogConsuming(logger, OrderPlaced.Queue, attempt);
                return (channel, closedByBroker);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (channel is not null)
                {
                    await channel.DisposeAsync();
                }

                if (Stopwatch.GetElapsedTime(_startedAt) < StartingGrace)
                {
                    LogNotReachableYet(logger, ex.Message, attempt, pause.TotalSeconds);
                }
                else
                {
                    LogCannotConsume(logger, ex, attempt, pause.TotalSeconds);
                }

                await Task.Delay(pause, stoppingToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    /// <summary>The main queue and its dead-letter queue, and a retry queue after each attempt but the last.</summary>
    private async Task DeclareTopologyAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await OrderPlaced.DeclareTopologyAsync(channel, cancellationToken);
        for (var failedAttempt = 1; failedAttempt < retry.Value.MaxAttempts; failedAttempt++)
        {
            await OrderPlaced.DeclareRetryQueueAsync(channel, failedAttempt, retry.Value.DelayAfter(failedAttempt), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} (connected on try {Attempt})")]
    private static partial void LogConsuming(ILogger logger, string queue, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker closed the consumer's channel ({Reason}); starting over")]
    private static partial void LogChannelClosed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ is not reachable yet (try {Attempt}: {Reason}); next try in {PauseSeconds} s")]
    private static partial void LogNotReachableYet(ILogger logger, string reason, int attempt, double pauseSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot consume from RabbitMQ yet (try {Attempt}); next try in {PauseSeconds} s")]
    private static partial void LogCannotConsume(ILogger logger, Exception exception, int attempt, double pauseSeconds);
}
