using System.Diagnostics;
using DistributedTracing.OrderService.Data;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>What the publish span says about the message's time in the outbox.</summary>
public static class OutboxTelemetry
{
    /// <summary>Milliseconds from the row's commit (created_at) to the broker's confirm.</summary>
    public const string WaitMs = "outbox.wait_ms";

    /// <summary>Publishes tried for the row, the successful one included.</summary>
    public const string PublishAttempts = "outbox.publish_attempts";

    /// <summary>An event on publish spans whose message had to wait (the broker was away, or a publish failed).</summary>
    public const string WaitedEvent = "outbox.waited";

    private const int NoticeableWaitMs = 1000;

    public static void RecordPublished(Activity? activity, OutboxMessage message, DateTimeOffset confirmedAt)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var waitMs = (int)Math.Clamp((confirmedAt - message.CreatedAt).TotalMilliseconds, 0, int.MaxValue);
        activity.SetTag(WaitMs, waitMs);
        activity.SetTag(PublishAttempts, message.Attempts);
        if (message.Attempts > 1 || waitMs >= NoticeableWaitMs)
        {
            activity.AddEvent(new ActivityEvent(WaitedEvent, tags: new ActivityTagsCollection
            {
                [WaitMs] = waitMs,
                [PublishAttempts] = message.Attempts,
            }));
        }
    }
}
