using System.Data;
using System.Text.Json;
using DistributedTracing.Messaging;
using DistributedTracing.OrderService.Outbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistributedTracing.OrderService.Data;

/// <summary>
/// Stores an order, its lines, its OrderPlaced message (an outbox row holding the request's trace context) and
/// the client's idempotency key in ONE transaction: either all of them exist or none does, so no order is
/// ever stored without its message, whatever happens to the broker. Nothing is published here.
/// </summary>
public sealed class OrderWriter(OrdersDbContext db)
{
    public Task SaveAsync(Order order, IdempotencyKey? key, CancellationToken cancellationToken) =>
        // The whole transaction again if a connection broken by a database restart failed it (EF's retrying strategy).
        db.Database.CreateExecutionStrategy().ExecuteAsync(cancellationToken, ct => SaveOnceAsync(order, key, ct));

    private async Task SaveOnceAsync(Order order, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Orders.Add(order);
            if (key is not null)
            {
                // Inserted after the order; a second request with the same key waits here for the first to commit, then fails.
                key.Order = order;
                db.IdempotencyKeys.Add(key);
            }

            await db.SaveChangesAsync(cancellationToken); // the order's id is known from here

            var message = new OutboxMessage
            {
                MessageType = nameof(OrderPlaced),
                Body = JsonSerializer.SerializeToUtf8Bytes(new OrderPlaced(order.Id, order.UserId, order.TotalCents, order.CreatedAt), OrderPlaced.Json),
            };
            OutboxTraceContext.Capture(message);
            db.OutboxMessages.Add(message);
            await db.SaveChangesAsync(cancellationToken);

            // Delivered at commit to every listening relay (every OrderService instance), never for a rolled-back order.
            await db.Database.ExecuteSqlRawAsync(OutboxNotificationListener.NotifySql, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // Rolled back: forget the ids the failed attempt was given, so a retry inserts afresh.
            db.ChangeTracker.Clear();
            order.Id = 0;
            order.Lines.ForEach(line => (line.Id, line.OrderId) = (0, 0));
            if (key is not null)
            {
                key.OrderId = 0;
            }

            if (ex is InvalidOperationException && db.Database.GetDbConnection() is var connection
                && (connection.State != ConnectionState.Open || connection is NpgsqlConnection { FullState: var state } && state.HasFlag(ConnectionState.Broken)))
            {
                throw new TransactionConnectionLostException(ex);
            }

            throw;
        }
    }
}
