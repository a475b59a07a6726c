namespace DistributedTracing.Hosting.ApplicationModel;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ResourceState>))]
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
    int? ProcessId,
    string? Message,
    IReadOnlyList<string> Urls,
    IReadOnlyDictionary<string, string> Environment);
