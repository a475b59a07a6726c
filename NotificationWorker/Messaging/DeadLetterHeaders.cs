namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>Why a message is in <c>orders.dead-letter</c>: headers the worker sets when it sends it there.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Text, at most 256 characters: the last failure.</summary>
    public const string Reason = "x-dead-letter-reason";

    /// <summary><see cref="Poison"/> or <see cref="RetriesExhausted"/>.</summary>
    public const string Kind = "x-dead-letter-kind";

    /// <summary>The message itself is wrong (not an OrderPlaced, or names no user): no retry could help.</summary>
    public const string Poison = "poison";

    /// <summary>Every attempt failed for a passing reason, MaxAttempts of them.</summary>
    public const string RetriesExhausted = "retries-exhausted";
}
