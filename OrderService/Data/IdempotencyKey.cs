namespace DistributedTracing.OrderService.Data;

/// <summary>
/// A client's Idempotency-Key and the order it created (table <c>idempotency_keys</c>). The key is the
/// primary key, so of two requests racing with one key exactly one insert wins. Kept 24 hours.
/// </summary>
public sealed class IdempotencyKey
{
    public const int MaxLength = 100;

    public required string Key { get; set; }

    /// <summary>SHA-256 of the user id and the lines: the same key with another request is refused.</summary>
    public required string RequestHash { get; set; }

    public long OrderId { get; set; }

    public Order? Order { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
