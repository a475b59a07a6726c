using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RestartPolicy;

/// <summary>
/// Marks a resource to be started again when it exits by itself, and holds what the policy knows of it:
/// whether its last stop was asked for, and when it was restarted.
/// </summary>
public sealed class RestartPolicyAnnotation(RestartPolicyOptions options) : IResourceAnnotation
{
    private readonly Queue<DateTimeOffset> _recentRestarts = new();
    private volatile bool _stopRequested;

    public RestartPolicyOptions Options { get; } = options;

    /// <summary>A person or a command stopped (or is restarting) the resource: its exit is not a crash.</summary>
    public bool StopRequested
    {
        get => _stopRequested;
        internal set => _stopRequested = value;
    }

    /// <summary>Restarts by the policy since the app started.</summary>
    public int RestartCount { get; private set; }

    /// <summary>The policy reached its limit and left the resource as it ended, until someone starts it.</summary>
    public bool GaveUp { get; internal set; }

    /// <summary>The stop and restart commands that already mark a requested stop.</summary>
    internal HashSet<ResourceCommandAnnotation> MarkingCommands { get; } = [];

    /// <summary>Restarts within the window that ends at <paramref name="now"/>.</summary>
    internal int RecentRestarts(DateTimeOffset now)
    {
        lock (_recentRestarts)
        {
            while (_recentRestarts.TryPeek(out var oldest) && now - oldest > Options.Window)
            {
                _recentRestarts.Dequeue();
            }

            return _recentRestarts.Count;
        }
    }

    internal int RecordRestart(DateTimeOffset now)
    {
        lock (_recentRestarts)
        {
            _recentRestarts.Enqueue(now);
            return ++RestartCount;
        }
    }

    /// <summary>Someone started the resource after the policy gave up: count afresh.</summary>
    internal void Rearm()
    {
        lock (_recentRestarts)
        {
            _recentRestarts.Clear();
            GaveUp = false;
        }
    }
}
