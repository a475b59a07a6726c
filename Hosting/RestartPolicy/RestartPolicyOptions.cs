namespace DistributedTracing.Hosting.RestartPolicy;

/// <summary>
/// How a resource that exits without being asked to is started again: after a delay that doubles with each
/// restart (capped), at most <see cref="MaxRestarts"/> times within <see cref="Window"/>; past that it is left
/// as it ended, with the reason.
/// </summary>
public sealed class RestartPolicyOptions
{
    /// <summary>The delay before the first restart; each further restart within the window waits twice as long.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay before a restart.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many restarts <see cref="Window"/> may hold before the policy gives up.</summary>
    public int MaxRestarts { get; set; } = 5;

    /// <summary>The span of time over which restarts are counted.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The delay before the restart that follows <paramref name="recentRestarts"/> restarts within the window.</summary>
    internal TimeSpan DelayAfter(int recentRestarts)
    {
        var delay = FirstDelay * Math.Pow(2, Math.Min(recentRestarts, 30));
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
