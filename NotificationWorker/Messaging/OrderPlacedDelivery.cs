using System.Diagnostics;
using DistributedTracing.Messaging;
using DistributedTracing.ServiceDefaults.Messaging;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// One delivery of OrderPlaced, one attempt, one <c>process orders</c> span, one log line. It ends in exactly
/// one of: notified (ack), duplicate (ack, nothing stored), retry scheduled (a copy in <c>orders.retry.k</c>,
/// then ack), dead-lettered (a copy in <c>orders.dead-letter</c>, then ack), or, when even that copy cannot
/// be sent, back to the queue after a pause. Never a hot loop: every path that returns the message waits first.
/// </summary>
public sealed partial class OrderPlacedDelivery(
    IServiceScopeFactory scopes,
    FailedDeliveryPublisher failures,
    IOptions<RetryOptions> retry,
    ILogger<OrderPlacedDelivery> logger)
{
    public async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var attempt = DeliveryHeaders.AttemptOf(delivery.BasicProperties);
        using var activity = RabbitMqTraceContext.StartProcess(delivery, OrderPlaced.Queue);
        activity?.SetTag(NotificationTelemetry.DeliveryAttempt, attempt);
        var messageId = delivery.BasicProperties.MessageId;
        try
        {
            var message = OrderPlacedHandler.Parse(delivery.Body);
            await using var scope = scopes.CreateAsyncScope();
            var email = await scope.ServiceProvider.GetRequiredService<OrderPlacedHandler>().NotifyAsync(message, stoppingToken);
            activity?.SetTag(NotificationTelemetry.Duplicate, email is null);
            if (email is null)
            {
                activity?.AddEvent(new ActivityEvent(NotificationTelemetry.Duplicate));
                LogDuplicate(logger, message.OrderId, messageId, attempt);
            }
            else
            {
                LogNotified(logger, email, message.OrderId, attempt);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: the channel's close gives the message back to the queue
        }
        catch (Exception ex)
        {
            RabbitMqTraceContext.RecordFailure(activity, ex);
            await FailAsync(channel, delivery, attempt, ex, activity, stoppingToken);
            return;
        }

        await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
    }

    private async Task FailAsync(IChannel channel, BasicDeliverEventArgs delivery, int attempt, Exception failure, Activity? activity, CancellationToken stoppingToken)
    {
        var messageId = delivery.BasicProperties.MessageId;
        var poison = IsPoison(failure);
        try
        {
            if (poison || attempt >= retry.Value.MaxAttempts)
            {
                var kind = poison ? DeadLetterHeaders.Poison : DeadLetterHeaders.RetriesExhausted;
                var reason = FailedDeliveryPublisher.Truncate($"{failure.GetType().Name}: {failure.Message}");
                await failures.PublishDeadLetterAsync(delivery, attempt, kind, reason, stoppingToken);
                activity?.AddEvent(new ActivityEvent(NotificationTelemetry.DeadLettered, tags: new ActivityTagsCollection
                {
                    [NotificationTelemetry.DeadLetterReason] = reason,
                    [NotificationTelemetry.DeadLetterKind] = kind,
                }));
                LogDeadLettered(logger, failure, messageId, attempt, kind);
            }
            else
            {
                var delay = retry.Value.DelayAfter(attempt);
                await failures.PublishRetryAsync(delivery, attempt, stoppingToken);
                activity?.AddEvent(new ActivityEvent(NotificationTelemetry.RetryScheduled, tags: new ActivityTagsCollection
                {
                    [NotificationTelemetry.RetryQueue] = OrderPlaced.RetryQueue(attempt),
                    [NotificationTelemetry.RetryDelayMs] = (long)delay.TotalMilliseconds,
                }));
                LogRetryScheduled(logger, failure, messageId, attempt, retry.Value.MaxAttempts, delay.TotalSeconds);
            }
        }
        catch (Exception sendFailure) when (!stoppingToken.IsCancellationRequested)
        {
            // The copy could not be sent (the broker is going away, blocks publishers, or would not route it).
            // Returning the message at once would spin; holding it for the attempt's delay keeps this consumer
            // (one delivery at a time) to one try per delay. If the channel died meanwhile, the broker has
            // already put the message back, and recovery delivers it again.
            var pause = retry.Value.DelayAfter(attempt);
            LogCopyNotSent(logger, failure, messageId, attempt, sendFailure.Message, pause.TotalSeconds);
            try
            {
                await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
    }

    /// <summary>
    /// An ack or nack on a channel that has closed is moot: the broker returned the message to the queue when it
    /// closed, and the redelivery finds the notification stored (a duplicate) or tries again.
    /// </summary>
    private static async Task SettleAsync(Func<ValueTask> settle)
    {
        try
        {
            await settle();
        }
        catch (AlreadyClosedException)
        {
        }
    }

    /// <summary>Retrying cannot help these: the message itself is wrong, or names a user that does not exist.</summary>
    private static bool IsPoison(Exception exception) =>
        exception is PoisonMessageException ||
        exception is RpcException { StatusCode: StatusCode.NotFound or StatusCode.InvalidArgument };

    [LoggerMessage(Level = LogLevel.Information, Message = "Notified {Email} of order {OrderId} (attempt {Attempt})")]
    private static partial void LogNotified(ILogger logger, string email, long orderId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} already has its notification: message {MessageId} (attempt {Attempt}) acked, nothing stored")]
    private static partial void LogDuplicate(ILogger logger, long orderId, string? messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: attempt {Attempt} of {MaxAttempts} failed; next attempt in {DelaySeconds} s")]
    private static partial void LogRetryScheduled(ILogger logger, Exception exception, string? messageId, int attempt, int maxAttempts, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId}: attempt {Attempt} failed; dead-lettered ({Kind})")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string? messageId, int attempt, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: attempt {Attempt} failed and its copy could not be sent ({SendError}); back to the queue in {PauseSeconds} s")]
    private static partial void LogCopyNotSent(ILogger logger, Exception exception, string? messageId, int attempt, string sendError, double pauseSeconds);
}
