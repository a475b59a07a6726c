using DistributedTracing.Messaging;
using DistributedTracing.OrderService.Data;
using DistributedTracing.OrderService.Messaging;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.OrderService.Grpc;

/// <summary>
/// PlaceOrder: check the user (a gRPC call to UserService, in the same trace), store the order, publish
/// OrderPlaced (the trace continues in NotificationWorker through the message's headers).
/// </summary>
public sealed class OrderGrpcService(OrdersDbContext db, UsersClient users, OrderEventPublisher publisher, ILogger<OrderGrpcService> logger)
    : OrderService.OrderServiceBase
{
    public override async Task<Order> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        Validate(request);

        // NotFound, InvalidArgument and Unavailable from UserService pass through as they are.
        await users.GetUserAsync(new UserService.Grpc.GetUserRequest { Id = request.UserId }, cancellationToken: context.CancellationToken);

        var order = new Data.Order
        {
            UserId = request.UserId,
            Lines = [.. request.Items.Select(i => new Data.OrderLine { Sku = i.Sku.Trim(), Quantity = i.Quantity, UnitPriceCents = i.UnitPriceCents })],
        };
        order.TotalCents = order.Lines.Sum(l => l.Quantity * l.UnitPriceCents);
        db.Orders.Add(order);
        await db.SaveChangesAsync(context.CancellationToken);

        await publisher.PublishAsync(new OrderPlaced(order.Id, order.UserId, order.TotalCents, order.CreatedAt), context.CancellationToken);
        logger.LogInformation("Order {OrderId} placed for user {UserId}, total {TotalCents} cents", order.Id, order.UserId, order.TotalCents);
        return ToMessage(order);
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
