namespace DistributedTracing.NotificationWorker.Data;

public sealed class Notification
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long UserId { get; set; }

    public required string Email { get; set; }

    public required string Message { get; set; }

    /// <summary>The trace that produced it, so a row can be followed back to its request.</summary>
    public string? TraceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
