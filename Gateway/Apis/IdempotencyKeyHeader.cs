using Microsoft.Extensions.Primitives;

namespace DistributedTracing.Gateway.Apis;

/// <summary>
/// The <c>Idempotency-Key</c> request header of <c>POST /api/orders</c>: one value of 1 to 100 printable ASCII
/// characters, chosen by the client (a UUID is typical) and sent again unchanged when it retries. OrderService
/// keeps it 24 hours in ordersdb with the order it placed.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>On an answer that repeats an earlier one instead of placing a new order.</summary>
    public const string ReplayedName = "Idempotent-Replayed";

    public const int MaxLength = 100;

    /// <summary>Why the header's values are not acceptable, or null (no header at all is fine).</summary>
    public static string? Problem(StringValues values) => values.Count switch
    {
        0 => null,
        > 1 => $"send {Name} once",
        _ when values[0] is not { Length: > 0 and <= MaxLength } => $"{Name} must be 1 to {MaxLength} characters",
        _ when values[0]!.Any(c => c is < ' ' or > '~') => $"{Name} must be printable ASCII",
        _ => null,
    };
}
