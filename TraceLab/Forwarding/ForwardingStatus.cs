namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// What <c>GET /api/forwarding</c> answers. Counts are requests (exports), since the Lab started:
/// forwarded (the far end said yes), dropped (the queue was full), failed (an error or no answer in time).
/// </summary>
public sealed record ForwardingStatus(
    bool Enabled,
    string? Endpoint,
    string? Protocol,
    long Forwarded,
    long Dropped,
    long Failed,
    int Queued,
    long QueuedBytes,
    int MaxQueuedRequests,
    long MaxQueuedBytes);
