using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// Every snapshot ResourceNotificationService publishes, in the order it publishes them. A resource that
/// waits for another only starts once it has seen that one healthy, through the same stream, so the order
/// of this list is the order things happened in, with no clocks to compare.
/// </summary>
public sealed class ResourceTimeline
{
    private readonly List<(string Resource, CustomResourceSnapshot Snapshot)> _events = [];
    private readonly Dictionary<string, string> _ids = [];

    public async Task RecordAsync(ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                lock (_events)
                {
                    _events.Add((update.Resource.Name, update.Snapshot));
                    _ids[update.Resource.Name] = update.ResourceId;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public IReadOnlyList<(string Resource, CustomResourceSnapshot Snapshot)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The id DCP gave a resource (its name and a suffix), which resource commands take.</summary>
    public string ResourceId(string resource)
    {
        lock (_events)
        {
            return _ids[resource];
        }
    }

    /// <summary>The position of the first snapshot of <paramref name="resource"/> that matches, or -1.</summary>
    public int FirstIndex(string resource, Func<CustomResourceSnapshot, bool> predicate)
    {
        var events = Events;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Resource == resource && predicate(events[i].Snapshot))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool IsRunningAndHealthy(CustomResourceSnapshot s) =>
        s.State?.Text == KnownResourceStates.Running && s.HealthStatus == HealthStatus.Healthy;

    /// <summary>
    /// Its process has been started. (A resource that waits is first shown as Starting, then Waiting, so
    /// the Starting state alone says nothing.)
    /// </summary>
    public static bool HasStarted(CustomResourceSnapshot s) =>
        s.StartTimeStamp is not null || s.State?.Text == KnownResourceStates.Running;

    public string Describe(string resource) =>
        string.Join(" → ", Events.Where(e => e.Resource == resource).Select(e => $"{e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}{(e.Snapshot.StartTimeStamp is { } t ? $"@{t:HH:mm:ss.fff}" : "")}"));
}
