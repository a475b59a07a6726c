using System.Diagnostics;
using System.Text.Json;
using DistributedTracing.Messaging;
using DistributedTracing.NotificationWorker.Data;
using DistributedTracing.ServiceDefaults.Messaging;
using Grpc.Core;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// Consumes OrderPlaced: continues the publisher's trace from the message headers, looks the user up
/// (gRPC, same trace), stores a notification, then acks. A message it cannot parse or handle is rejected
/// without requeue, so the broker dead-letters it; its span is marked as an error.
/// </summary>
public sealed partial class OrderPlacedConsumer(
    RabbitMqConnectionProvider connections,
    IServiceScopeFactory scopes,
    ILogger<OrderPlacedConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = await connections.GetConnectionAsync(stoppingToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await OrderPlaced.DeclareTopologyAsync(channel, stoppingToken);
        await channel.BasicQosAsync(0, prefetchCount: 8, global: false, stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(OrderPlaced.Queue, autoAck: false, consumer, stoppingToken);

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        await channel.CloseAsync(CancellationToken.None);
        await channel.DisposeAsync();
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        using var activity = RabbitMqTraceContext.StartProcess(delivery, OrderPlaced.Queue);
        try
        {
            var message = Parse(delivery.Body);
            using var scope = scopes.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UsersClient>();
            var user = await users.GetUserAsync(new UserService.Grpc.GetUserRequest { Id = message.UserId }, cancellationToken: cancellationToken);

            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            db.Notifications.Add(new Notification
            {
                OrderId = message.OrderId,
                UserId = user.Id,
                Email = user.Email,
                Message = $"Thank you, {user.Name}: order {message.OrderId} ({message.TotalCents / 100m:0.00}) is placed.",
                TraceId = Activity.Current?.TraceId.ToHexString(),
            });
            await db.SaveChangesAsync(cancellationToken);

            LogNotified(logger, user.Email, message.OrderId, Activity.Current?.TraceId.ToHexString());
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
        }
        catch (Exception ex) when (IsPoison(ex))
        {
            RabbitMqTraceContext.RecordFailure(activity, ex);
            LogDeadLettered(logger, ex, delivery.BasicProperties.MessageId, Activity.Current?.TraceId.ToHexString());
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Transient (database or UserService down): try again later rather than lose the message.
            RabbitMqTraceContext.RecordFailure(activity, ex);
            LogWillRetry(logger, ex, delivery.BasicProperties.MessageId);
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
        }
    }

    private static OrderPlaced Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<OrderPlaced>(body.Span, OrderPlaced.Json);
            return message is { OrderId: > 0, UserId: > 0 }
                ? message
                : throw new InvalidMessageException("the message is not an OrderPlaced with orderId and userId");
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"the message is not JSON: {ex.Message}");
        }
    }

    /// <summary>Retrying cannot help these: the message itself is wrong, or names a user that does not exist.</summary>
    private static bool IsPoison(Exception exception) =>
        exception is InvalidMessageException ||
        exception is RpcException { StatusCode: StatusCode.NotFound or StatusCode.InvalidArgument };

    [LoggerMessage(Level = LogLevel.Information, Message = "Notified {Email} of order {OrderId} (trace {TraceId})")]
    private static partial void LogNotified(ILogger logger, string email, long orderId, string? traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} dead-lettered (trace {TraceId})")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string? messageId, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed and goes back to the queue")]
    private static partial void LogWillRetry(ILogger logger, Exception exception, string? messageId);

    private sealed class InvalidMessageException(string message) : Exception(message);
}
