using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// Reads a resource's figures about once a second while it runs, and publishes them as its properties in
/// Aspire's dashboard when they change. A server that is down or restarting costs one warning per outage,
/// and its gauges report nothing until it answers again; its properties keep the last figures read.
/// </summary>
public sealed class ResourceFigureMonitor(IResourceWithConnectionString resource, IResourceFigureReader reader, ResourceNotificationService notifications, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyList<ResourceFigure> _latest = [];
    private volatile CustomResourceSnapshot? _snapshot;
    private HashSet<string> _published = [];
    private bool _failing;

    public IResource Resource => resource;

    /// <summary>The figures of the last successful read; none while the resource is not answering.</summary>
    public IReadOnlyList<ResourceFigure> Latest => _latest;

    public async Task RunAsync(CancellationToken stopping)
    {
        var watching = WatchStateAsync(stopping);
        try
        {
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await ReadOnceAsync(stopping);
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await watching;
            await reader.DisposeAsync();
        }
    }

    private async Task ReadOnceAsync(CancellationToken stopping)
    {
        if (!IsRunning(_snapshot))
        {
            // Stopped, starting or unhealthy: not an outage to warn about, and nothing to ask.
            _latest = [];
            return;
        }

        IReadOnlyList<ResourceFigure> figures;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(ReadTimeout);
            var connectionString = await resource.GetConnectionStringAsync(timeout.Token)
                ?? throw new InvalidOperationException("it has no connection string yet");
            figures = await reader.ReadAsync(connectionString, timeout.Token);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            _latest = [];
            if (!_failing)
            {
                _failing = true;
                logger.LogWarning("Cannot read the live figures of {Resource} ({Error}); trying again every second.", resource.Name, e.Message);
            }

            return;
        }

        if (_failing)
        {
            _failing = false;
            logger.LogInformation("Reading the live figures of {Resource} again.", resource.Name);
        }

        _latest = figures;
        try
        {
            await PublishIfChangedAsync(figures);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            // The app is shutting down, or the resource left the model: the next read tries again.
            logger.LogDebug(e, "Could not publish the live figures of {Resource}.", resource.Name);
        }
    }

    /// <summary>
    /// Compared with the resource's current snapshot rather than with what was last sent, so properties
    /// that anything else replaced (a state update from DCP, say) come back at the next read.
    /// </summary>
    private async Task PublishIfChangedAsync(IReadOnlyList<ResourceFigure> figures)
    {
        var shown = _snapshot?.Properties ?? [];
        var names = figures.Select(f => f.Property).ToHashSet();
        // Figures that were read before but not now (a queue deleted) go; the resource's other properties stay.
        var gone = _published.Where(p => !names.Contains(p) && shown.Any(s => s.Name == p)).ToHashSet();
        var unchanged = gone.Count == 0 && figures.All(f => shown.Any(s => s.Name == f.Property && Equals(s.Value, f.Value)));
        _published = names;
        if (!unchanged)
        {
            await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
            {
                Properties = WithFigures(snapshot.Properties, figures, gone),
            });
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> WithFigures(ImmutableArray<ResourcePropertySnapshot> properties, IReadOnlyList<ResourceFigure> figures, HashSet<string> gone)
    {
        var names = figures.Select(f => f.Property).ToHashSet();
        return
        [
            .. properties.Where(p => !names.Contains(p.Name) && !gone.Contains(p.Name)),
            // Highlighted: Aspire's dashboard shows properties it does not know only when asked to show all.
            .. figures.Select(f => new ResourcePropertySnapshot(f.Property, f.Value) { IsHighlighted = true }),
        ];
    }

    /// <summary>Keeps <see cref="_snapshot"/>, the resource's latest state and properties.</summary>
    private async Task WatchStateAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (ReferenceEquals(update.Resource, resource))
                {
                    _snapshot = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Running and not known to be unhealthy: a server still starting is not an outage to warn about.</summary>
    private static bool IsRunning(CustomResourceSnapshot? snapshot) =>
        snapshot is { State.Text: var state, HealthStatus: null or HealthStatus.Healthy } && state == KnownResourceStates.Running;
}
