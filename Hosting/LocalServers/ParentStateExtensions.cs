using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DistributedTracing.Hosting.LocalServers;

internal static class ParentStateExtensions
{
    /// <summary>
    /// Aspire passes a parent's state on to its children only when the parent is a container. A child of
    /// an executable (a database on a local server) would stay "Unknown", and <c>WaitFor(child)</c> would
    /// never return. This copies the parent's state, start and stop times onto the child as they change.
    /// </summary>
    public static IResourceBuilder<TChild> WithParentState<TChild>(this IResourceBuilder<TChild> child)
        where TChild : IResourceWithParent =>
        child.OnInitializeResource((resource, @event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => MirrorAsync(resource, @event.Notifications, stopping), stopping);
            return Task.CompletedTask;
        });

    private static async Task MirrorAsync(IResourceWithParent child, ResourceNotificationService notifications, CancellationToken stopping)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (ReferenceEquals(update.Resource, child.Parent))
                {
                    var parent = update.Snapshot;
                    await notifications.PublishUpdateAsync(child, s => s with
                    {
                        State = parent.State,
                        StartTimeStamp = parent.StartTimeStamp,
                        StopTimeStamp = parent.StopTimeStamp,
                        ExitCode = parent.ExitCode,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
