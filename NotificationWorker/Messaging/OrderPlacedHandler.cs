using System.Diagnostics;
using System.Text.Json;
using DistributedTracing.Messaging;
using DistributedTracing.NotificationWorker.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// The work one OrderPlaced asks for: look the user up (gRPC, same trace) and store the order's one
/// notification. Knows nothing of queues: the consumer acks, retries or dead-letters from what this returns or throws.
/// </summary>
public sealed class OrderPlacedHandler(NotificationsDbContext db, UsersClient users)
{
    /// <summary>Reads the message body; a body that is not an OrderPlaced is <see cref="PoisonMessageException"/>.</summary>
    public static OrderPlaced Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<OrderPlaced>(body.Span, OrderPlaced.Json);
            return message is { OrderId: > 0, UserId: > 0 }
                ? message
                : throw new PoisonMessageException("the message is not an OrderPlaced with orderId and userId");
        }
        catch (JsonException ex)
        {
            throw new PoisonMessageException($"the message is not JSON: {ex.Message}");
        }
    }

    /// <summary>Stores the notification; null when the order already has one (a redelivery), else the address notified.</summary>
    public async Task<string?> NotifyAsync(OrderPlaced message, CancellationToken cancellationToken)
    {
        // The cheap check first: a redelivered message costs one indexed read, not a UserService call.
        if (await db.Notifications.AnyAsync(n => n.OrderId == message.OrderId, cancellationToken))
        {
            return null;
        }

        var user = await users.GetUserAsync(new UserService.Grpc.GetUserRequest { Id = message.UserId }, cancellationToken: cancellationToken);
        db.Notifications.Add(new Notification
        {
            OrderId = message.OrderId,
            UserId = user.Id,
            Email = user.Email,
            Message = $"Thank you, {user.Name}: order {message.OrderId} ({message.TotalCents / 100m:0.00}) is placed.",
            TraceId = Activity.Current?.TraceId.ToHexString(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return user.Email;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another delivery of the same order got there between the check and the insert.
            return null;
        }
    }
}

/// <summary>Retrying cannot help: the message itself is wrong.</summary>
public sealed class PoisonMessageException(string message) : Exception(message);
