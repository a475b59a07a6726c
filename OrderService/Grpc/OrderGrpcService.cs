using DistributedTracing.OrderService.Data;
using DistributedTracing.OrderService.Outbox;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.OrderService.Grpc;

/// <summary>
/// PlaceOrder: check the user (a gRPC call to UserService, in the same trace), store the order with its
/// OrderPlaced message in the outbox (one transaction), and wake the relay, which publishes it (the trace
/// continues in NotificationWorker through the message's headers). With an idempotency key, a repeat of the
/// same request returns the first order instead of placing another.
/// </summary>
public sealed class OrderGrpcService(OrdersDbContext db, OrderWriter writer, UsersClient users, OutboxSignal outbox, ILogger<OrderGrpcService> logger)
    : OrderService.OrderServiceBase
{
    public override async Task<Order> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        Validate(request);
        var key = request.IdempotencyKey.Length > 0 ? new IdempotencyKey { Key = request.IdempotencyKey, RequestHash = RequestHash.Of(request) } : null;
        if (key is not null && await FindEarlierOrderAsync(key, context.CancellationToken) is { } earlier)
        {
            return earlier;
        }

        // NotFound, InvalidArgument and Unavailable from UserService pass through as they are.
        await users.GetUserAsync(new UserService.Grpc.GetUserRequest { Id = request.UserId }, cancellationToken: context.CancellationToken);

        var order = new Data.Order
        {
            UserId = request.UserId,
            Lines = [.. request.Items.Select(i => new Data.OrderLine { Sku = i.Sku.Trim(), Quantity = i.Quantity, UnitPriceCents = i.UnitPriceCents })],
        };
        order.TotalCents = order.Lines.Sum(l => l.Quantity * l.UnitPriceCents);
        try
        {
            await writer.SaveAsync(order, key, context.CancellationToken);
        }
        catch (DbUpdateException ex) when (key is not null && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "idempotency_keys" })
        {
            // A concurrent request with the same key committed first (the key's primary key decided): this one is its repeat.
            return await FindEarlierOrderAsync(key, context.CancellationToken)
                ?? throw new RpcException(new Status(StatusCode.Aborted, "a concurrent request with the same idempotency key did not complete; try again"));
        }

        outbox.Notify();
        logger.LogInformation("Order {OrderId} placed for user {UserId}, total {TotalCents} cents", order.Id, order.UserId, order.TotalCents);
        return ToMessage(order);
    }

    /// <summary>The order an earlier request with this key placed (flagged as replayed), null if none; FailedPrecondition if that request differed.</summary>
    private async Task<Order?> FindEarlierOrderAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        var earlier = await db.IdempotencyKeys.AsNoTracking()
            .Include(k => k.Order!).ThenInclude(o => o.Lines.OrderBy(l => l.Id))
            .FirstOrDefaultAsync(k => k.Key == key.Key, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        if (earlier.RequestHash != key.RequestHash)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the idempotency key was already used for a different order request"));
        }

        var message = ToMessage(earlier.Order!);
        message.Replayed = true;
        return message;
    }

    public override async Task<Order> GetOrder(GetOrderRequest request, ServerCallContext context)
    {
        if (request.Id < 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "id must be 1 or more"));
        }

        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == request.Id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"order {request.Id} does not exist"));
        return ToMessage(order);
    }

    private static void Validate(PlaceOrderRequest request)
    {
        var problem = request switch
        {
            { UserId: < 1 } => "user_id must be 1 or more",
            { Items.Count: 0 } => "an order needs at least one item",
            { Items.Count: > 100 } => "an order has at most 100 items",
            { IdempotencyKey.Length: > Data.IdempotencyKey.MaxLength } => $"idempotency_key must be at most {Data.IdempotencyKey.MaxLength} characters",
            _ when request.IdempotencyKey.Any(c => c is < ' ' or > '~') => "idempotency_key must be printable ASCII",
            _ => request.Items.Select(ItemProblem).FirstOrDefault(p => p is not null),
        };
        if (problem is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
    }

    private static string? ItemProblem(OrderLine item, int index) => item switch
    {
        // Never the sku itself: a detail goes back in grpc-message, which must stay short.
        _ when string.IsNullOrWhiteSpace(item.Sku) || item.Sku.Trim().Length > 64 || item.Sku.Any(char.IsControl)
            => $"items[{index}].sku must be 1 to 64 characters, none of them control characters",
        { Quantity: < 1 or > 1000 } => $"items[{index}].quantity must be 1 to 1000",
        { UnitPriceCents: < 0 or > 100_000_000 } => $"items[{index}].unit_price_cents must be 0 to 100000000",
        _ => null,
    };

    private static Order ToMessage(Data.Order order)
    {
        var message = new Order
        {
            Id = order.Id,
            UserId = order.UserId,
            TotalCents = order.TotalCents,
            CreatedAt = order.CreatedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        message.Items.Add(order.Lines.Select(l => new OrderLine { Sku = l.Sku, Quantity = l.Quantity, UnitPriceCents = l.UnitPriceCents }));
        return message;
    }
}
