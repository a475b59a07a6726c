namespace DistributedTracing.OrderService.Data;

/// <summary>
/// A message waiting to be published (table <c>outbox_messages</c>), written in the same transaction as the
/// order it announces, with the trace context of the request that placed it. Pending while SentAt is null.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string MessageType { get; set; }

    public required byte[] Body { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the span that wrote the row: the publish span's parent.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    /// <summary>The W3C <c>baggage</c> header value, so baggage still travels with the message.</summary>
    public string? Baggage { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Publishes tried so far, the successful one included.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
