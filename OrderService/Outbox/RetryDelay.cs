namespace DistributedTracing.OrderService.Outbox;

/// <summary>0.5 s after the first failure, doubling, at most 5 s: short, so the outbox drains soon after the broker is back.</summary>
public static class RetryDelay
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    public static TimeSpan After(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(First.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1)), Max.TotalMilliseconds));
}
