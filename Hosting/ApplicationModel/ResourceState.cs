namespace DistributedTracing.Hosting.ApplicationModel;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Failed,
    Exited,
    Stopping,
    Stopped,
}

/// <summary>What the console and the resources page show of one resource at one moment.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    bool Healthy,
    DateTimeOffset? StartedAt,
    int? ExitCode,
    string? Message,
    IReadOnlyList<string> Urls,
    IReadOnlyDictionary<string, string> Environment);
