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

    /// <summary>How long the try before the web server starts may take (an unanswered connect would take 30 s).</summary>
    private static readonly TimeSpan FirstTryTimeout = TimeSpan.FromSeconds(5);

    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stopping = new();
    private (IChannel Channel, TaskCompletionSource<string> ClosedByBroker)? _firstTry;

    /// <summary>True once the consumer is registered with the broker (for /health).</summary>
    public bool IsConsuming { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // One try before the web server starts (hosted services start before it), so that /health's first answer
        // is already right: consuming, or not while RabbitMQ is away. Without it, a health check that came while
        // the first connection was being made found the consumer "not consuming", an error in a clean start's log.
        using var firstTry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstTry.CancelAfter(FirstTryTimeout);
        _firstTry = await TryStartConsumingAsync(attempt: 1, FirstPause, firstTry.Token);
        IsConsuming = _firstTry is not null;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (started, tried) = (_firstTry, 1);
        _firstTry = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (channel, closedByBroker) = started ?? await StartConsumingAsync(tried + 1, stoppingToken);
            (started, tried) = (null, 0);
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
    /// Tries until consuming works, with growing pauses; <paramref name="attempt"/> above 1 means an attempt
    /// failed just before, so it pauses first.
    /// </summary>
    private async Task<(IChannel Channel, TaskCompletionSource<string> ClosedByBroker)> StartConsumingAsync(int attempt, CancellationToken stoppingToken)
    {
        var pause = FirstPause;
        for (; ; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(pause, stoppingToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }

            // The pause passed on is the one that follows this try if it fails, for the log.
            if (await TryStartConsumingAsync(attempt, pause, stoppingToken) is { } started)
            {
                return started;
            }
        }
    }

    /// <summary>
    /// Connects, declares and consumes, or logs why not and returns null. Also returns a task that completes if the
    /// broker closes the channel while the connection stays up (a channel-level error, which automatic recovery
    /// does not undo, unlike a lost connection): then the consumer starts over.
    /// </summary>
    private async Task<(IChannel Channel, TaskCompletionSource<string> ClosedByBroker)?> TryStartConsumingAsync(int attempt, TimeSpan nextPause, CancellationToken cancellationToken)
    {
        IChannel? channel = null;
        try
        {
            var connection = await connections.GetConnectionAsync(cancellationToken);
            channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var closedByBroker = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            channel.ChannelShutdownAsync += (_, shutdown) =>
            {
                if (connection.IsOpen && shutdown.Initiator == ShutdownInitiator.Peer)
                {
                    closedByBroker.TrySetResult($"{shutdown.ReplyCode} {shutdown.ReplyText}");
                }

                return Task.CompletedTask;
            };
            await DeclareTopologyAsync(channel, cancellationToken);
            await channel.BasicQosAsync(0, prefetchCount: 8, global: false, cancellationToken);

            // Deliveries are handled under the worker's stopping token, not this try's (which may be StartAsync's).
            var consumer = new AsyncEventingBasicConsumer(channel);
            var consuming = channel;
            consumer.ReceivedAsync += (_, delivery) => deliveries.HandleAsync(consuming, delivery, _stopping.Token);
            await channel.BasicConsumeAsync(OrderPlaced.Queue, autoAck: false, consumer, cancellationToken);
            LogConsuming(logger, OrderPlaced.Queue, attempt);
            return (channel, closedByBroker);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (Stopwatch.GetElapsedTime(_startedAt) < StartingGrace)
            {
                LogNotReachableYet(logger, ex.Message, attempt, nextPause.TotalSeconds);
            }
            else
            {
                LogCannotConsume(logger, ex, attempt, nextPause.TotalSeconds);
            }

            return null;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
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
