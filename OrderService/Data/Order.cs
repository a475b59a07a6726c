namespace DistributedTracing.OrderService.Data;

public sealed class Order
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public long TotalCents { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public required string Sku { get; set; }

    public int Quantity { get; set; }

    public long UnitPriceCents { get; set; }
}
