namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>What the worker adds to its <c>process orders</c> span: which attempt it is, and how it ended.</summary>
public static class NotificationTelemetry
{
    /// <summary>int, 1-based: the first delivery is attempt 1, each retry adds one.</summary>
    public const string DeliveryAttempt = "notification.delivery.attempt";

    /// <summary>bool: true when the order already had its notification (acked, nothing stored). Also an event.</summary>
    public const string Duplicate = "notification.duplicate";

    /// <summary>Event: the failed message waits in a retry queue (attributes <see cref="RetryQueue"/>, <see cref="RetryDelayMs"/>).</summary>
    public const string RetryScheduled = "notification.retry_scheduled";

    public const string RetryQueue = "retry.queue";
    public const string RetryDelayMs = "retry.delay_ms";

    /// <summary>Event: the message went to the dead-letter exchange (attributes <see cref="DeadLetterReason"/>, <see cref="DeadLetterKind"/>).</summary>
    public const string DeadLettered = "notification.dead_lettered";

    public const string DeadLetterReason = "dead_letter.reason";
    public const string DeadLetterKind = "dead_letter.kind";
}
