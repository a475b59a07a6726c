namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>
/// What happened to one export: how many items were kept and rejected, and why the first was rejected.
/// A request whose every item was rejected is answered as invalid; otherwise OTLP's partial success.
/// </summary>
public sealed record OtlpIngestResult(int Accepted, int Rejected, string? ErrorMessage)
{
    public bool RejectedEverything => Accepted == 0 && Rejected > 0;
}

/// <summary>Collects rejections while a request is converted.</summary>
internal sealed class RejectionCounter
{
    public int Count { get; private set; }

    public string? FirstError { get; private set; }

    public void Reject(string what, string error)
    {
        Count++;
        FirstError ??= $"{what}: {error}";
    }
}
