using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RestartPolicy;

/// <summary>
/// The resource properties the policy shows in Aspire's dashboard: <c>restart.count</c> and <c>restart.last</c>.
/// Highlighted, because the dashboard hides properties it does not know until "Show all" is chosen.
/// </summary>
public static class RestartProperties
{
    public const string Count = "restart.count";
    public const string Last = "restart.last";

    internal static Task PublishAsync(ResourceNotificationService notifications, ResourceEvent resource, int count, string? last) =>
        notifications.PublishUpdateAsync(resource.Resource, resource.ResourceId, snapshot => snapshot with
        {
            Properties = With(With(snapshot.Properties, Count, count), Last, last ?? snapshot.Properties.FirstOrDefault(p => p.Name == Last)?.Value),
        });

    private static ImmutableArray<ResourcePropertySnapshot> With(ImmutableArray<ResourcePropertySnapshot> properties, string name, object? value) =>
        [.. properties.Where(p => p.Name != name), new ResourcePropertySnapshot(name, value) { IsHighlighted = true }];
}
