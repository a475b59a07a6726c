namespace DistributedTracing.OrderService.Data;

public sealed class Order
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public long TotalCents { get; set; }

    // To the microsecond, PostgreSQL's precision: the answer to PlaceOrder then equals every later read of the
    // order (GetOrder, an idempotent repeat), not only to the microsecond.
    public DateTimeOffset CreatedAt { get; set; } = NowToTheMicrosecond();

    public List<OrderLine> Lines { get; set; } = [];

    private static DateTimeOffset NowToTheMicrosecond()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}

public sealed class OrderLine
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public required string Sku { get; set; }

    public int Quantity { get; set; }

    public long UnitPriceCents { get; set; }
}
