using DistributedTracing.OrderService.Grpc;
using Grpc.Core;
using OrdersClient = DistributedTracing.OrderService.Grpc.OrderService.OrderServiceClient;

namespace DistributedTracing.Gateway.Apis;

public sealed record OrderItemBody(string? Sku, int Quantity, decimal UnitPrice);

public sealed record PlaceOrderBody(long UserId, List<OrderItemBody>? Items);

public sealed record OrderItemResponse(string Sku, int Quantity, decimal UnitPrice);

public sealed record OrderResponse(long Id, long UserId, IReadOnlyList<OrderItemResponse> Items, decimal Total, string CreatedAt);

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders", PlaceOrderAsync);
        app.MapGet("/api/orders/{id:long}", GetOrderAsync);
        return app;
    }

    private static async Task<IResult> PlaceOrderAsync(PlaceOrderBody body, HttpContext http, OrdersClient orders, CancellationToken cancellationToken)
    {
        var errors = Validate(body);
        var keyHeader = http.Request.Headers[IdempotencyKeyHeader.Name];
        if (IdempotencyKeyHeader.Problem(keyHeader) is { } keyProblem)
        {
            errors[IdempotencyKeyHeader.Name] = [keyProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Without a client's key the gateway makes one for this request: its resilience handler may send
        // PlaceOrder again after an attempt timed out, and the key turns that retry into a read of the order
        // the first attempt placed instead of a second order.
        var clientKey = keyHeader.ToString();
        var request = new PlaceOrderRequest { UserId = body.UserId, IdempotencyKey = clientKey.Length > 0 ? clientKey : $"gateway-{Guid.NewGuid():N}" };
        request.Items.Add(body.Items!.Select(i => new OrderLine { Sku = i.Sku!.Trim(), Quantity = i.Quantity, UnitPriceCents = (long)(i.UnitPrice * 100) }));
        Order order;
        try
        {
            order = await orders.PlaceOrderAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && request.IdempotencyKey.Length > 0)
        {
            // The key was used for another request: the body is well formed but cannot be processed under this key.
            return TypedResults.Problem(ex.Status.Detail, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var location = $"/api/orders/{order.Id}";
        if (!order.Replayed || clientKey.Length == 0)
        {
            return TypedResults.Created(location, ToResponse(order));
        }

        // A retry of a request that already placed this order: the first answer again, marked as a repeat.
        http.Response.Headers.Location = location;
        http.Response.Headers[IdempotencyKeyHeader.ReplayedName] = "true";
        return TypedResults.Ok(ToResponse(order));
    }

    private static async Task<IResult> GetOrderAsync(long id, OrdersClient orders, CancellationToken cancellationToken)
    {
        if (id < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["id must be 1 or more"] });
        }

        return TypedResults.Ok(ToResponse(await orders.GetOrderAsync(new GetOrderRequest { Id = id }, cancellationToken: cancellationToken)));
    }

    private static Dictionary<string, string[]> Validate(PlaceOrderBody body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.UserId < 1)
        {
            errors["userId"] = ["userId must be 1 or more"];
        }

        if (body.Items is not { Count: > 0 and <= 100 })
        {
            errors["items"] = ["items must hold 1 to 100 items"];
            return errors;
        }

        for (var i = 0; i < body.Items.Count; i++)
        {
            var item = body.Items[i];
            if (item is null)
            {
                errors[$"items[{i}]"] = ["an item is required"];
                continue;
            }

            if (TextInput.Problem("sku", item.Sku, TextInput.MaxSkuLength) is { } skuProblem)
            {
                errors[$"items[{i}].sku"] = [skuProblem];
            }

            if (item.Quantity is < 1 or > 1000)
            {
                errors[$"items[{i}].quantity"] = ["quantity must be 1 to 1000"];
            }

            if (item.UnitPrice < 0 || item.UnitPrice > 1_000_000 || decimal.Round(item.UnitPrice, 2) != item.UnitPrice)
            {
                errors[$"items[{i}].unitPrice"] = ["unitPrice must be 0 to 1000000 with at most 2 decimals"];
            }
        }

        return errors;
    }

    private static OrderResponse ToResponse(Order order) => new(
        order.Id,
        order.UserId,
        [.. order.Items.Select(i => new OrderItemResponse(i.Sku, i.Quantity, i.UnitPriceCents / 100m))],
        order.TotalCents / 100m,
        order.CreatedAt);
}
