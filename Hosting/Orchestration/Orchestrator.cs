using System.Collections.Concurrent;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Processes;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>
/// The loop that runs an app model: gives endpoints their ports, starts each resource once the ones it
/// waits for are healthy (independent ones in parallel), notices exits, and stops everything in reverse
/// dependency order.
/// </summary>
internal sealed class Orchestrator(DistributedApplicationBuilder builder)
{
    private readonly ConcurrentDictionary<Resource, Entry> _entries = new();
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private RunDirectory? _run;
    private volatile bool _stopping;

    public event Action<ResourceSnapshot>? ResourceChanged;

    public IReadOnlyList<ResourceSnapshot> Snapshots => [.. Runnable.Select(r => Snapshot(EntryOf(r)))];

    private IEnumerable<Resource> Runnable => builder.Resources.Where(r => r is not IResourceWithParent);

    /// <summary>The process groups started by this app, kept after it stops (to check that they are gone).</summary>
    public List<int> ProcessGroups { get; } = [];

    public OutputLog GetOutput(string name) => EntryOf(builder.Resources.First(r => r.Name == name && r is not IResourceWithParent)).Output;

    private Entry EntryOf(Resource resource) => _entries.GetOrAdd(resource, r => new Entry(r));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RunDirectory.CleanUpAbandonedRuns();
        _run = RunDirectory.Create();
        AllocatePorts();

        var starts = Runnable.Select(resource => StartOneAsync(resource, cancellationToken)).ToList();
        await Task.WhenAll(starts.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        cancellationToken.ThrowIfCancellationRequested();

        var failures = Runnable.Select(EntryOf).Where(e => e.State == ResourceState.Failed && e.FailedItself).ToList();
        if (failures.Count > 0)
        {
            var details = string.Join(Environment.NewLine + Environment.NewLine, failures.Select(f =>
                $"{f.Message}{Environment.NewLine}  last output of '{f.Resource.Name}':{Environment.NewLine}{f.Output.Tail(20)}"));
            throw new DistributedApplicationException($"{failures.Count} resource(s) failed to start:{Environment.NewLine}{details}");
        }
    }

    /// <summary>Fixed ports first (checked free), then a distinct free port for every other endpoint.</summary>
    private void AllocatePorts()
    {
        var endpoints = builder.Resources.SelectMany(r => r.AnnotationsOf<EndpointAnnotation>().Select(e => (Resource: r, Endpoint: e))).ToList();
        var taken = new HashSet<int>();
        foreach (var (resource, endpoint) in endpoints.Where(x => x.Endpoint.RequestedPort is not null))
        {
            var port = endpoint.RequestedPort!.Value;
            if (!taken.Add(port) || !PortAllocator.IsPortFree(port))
            {
                throw new DistributedApplicationException(
                    $"Port {port} for '{resource.Name}' ({endpoint.Name}) is in use: is another AppHost running? Stop it, or choose another port.");
            }

            endpoint.Allocate(port);
        }

        foreach (var (_, endpoint) in endpoints.Where(x => x.Endpoint.RequestedPort is null))
        {
            int port;
            do
            {
                port = PortAllocator.FreePort();
            }
            while (!taken.Add(port));
            endpoint.Allocate(port);
        }
    }

    private async Task StartOneAsync(Resource resource, CancellationToken cancellationToken)
    {
        var entry = EntryOf(resource);
        try
        {
            var dependencies = resource.AnnotationsOf<WaitAnnotation>().Select(w => EntryOf(w.Dependency)).ToList();
            if (dependencies.Count > 0)
            {
                Update(entry, ResourceState.Waiting, $"waiting for {string.Join(", ", dependencies.Select(d => d.Resource.Name))}");
                foreach (var dependency in dependencies)
                {
                    if (!await dependency.Healthy.Task.WaitAsync(cancellationToken))
                    {
                        entry.Healthy.TrySetResult(false);
                        Update(entry, ResourceState.Failed, $"'{resource.Name}' was not started: '{dependency.Resource.Name}', which it waits for, failed");
                        return;
                    }
                }
            }

            Update(entry, ResourceState.Starting, null);
            var factory = builder.Runners.TryGetValue(resource.GetType(), out var f)
                ? f
                : throw new InvalidOperationException($"No runner knows how to run a {resource.GetType().Name}.");
            entry.Runner = factory(resource, new RunContext(_run!, builder, entry.Output));
            entry.StartedAt = DateTimeOffset.UtcNow;
            await entry.Runner.StartAsync(cancellationToken);
            await entry.Runner.WaitUntilHealthyAsync(cancellationToken);
            entry.IsHealthy = true;
            Update(entry, ResourceState.Running, null);
            entry.Healthy.TrySetResult(true);
            WatchForExit(entry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            entry.FailedItself = true;
            entry.Healthy.TrySetResult(false);
            Update(entry, ResourceState.Failed, ex is DistributedApplicationException ? ex.Message : $"'{resource.Name}' failed to start: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            entry.Healthy.TrySetResult(false);
        }
    }

    private void WatchForExit(Entry entry)
    {
        if (entry.Runner?.MainProcess is not { } process)
        {
            return;
        }

        _ = process.Exited.ContinueWith(_ =>
        {
            if (!_stopping)
            {
                entry.IsHealthy = false;
                entry.ExitCode = process.ExitCode;
                Update(entry, ResourceState.Exited, $"'{entry.Resource.Name}' exited with code {process.ExitCode}; the rest keep running.{Environment.NewLine}{entry.Output.Tail(10)}");
            }
        }, TaskScheduler.Default);
    }

    public async Task StopAsync()
    {
        await _stopLock.WaitAsync();
        try
        {
            _stopping = true;
            foreach (var level in StopOrder())
            {
                await Task.WhenAll(level.Select(async resource =>
                {
                    var entry = EntryOf(resource);
                    if (entry.Runner is null)
                    {
                        return;
                    }

                    Update(entry, ResourceState.Stopping, null);
                    await entry.Runner.StopAsync();
                    entry.Runner = null;
                    entry.IsHealthy = false;
                    Update(entry, ResourceState.Stopped, null);
                }));
            }

            if (_run is not null)
            {
                ProcessGroups.AddRange(_run.ProcessGroups);
                _run.Delete();
                _run = null;
            }
        }
        finally
        {
            _stopLock.Release();
        }
    }

    /// <summary>Dependents first: a resource stops only after everything that waits for or references it.</summary>
    private List<List<Resource>> StopOrder()
    {
        var resources = Runnable.ToList();
        Resource Runs(Resource r) => r is IResourceWithParent child ? child.Parent : r;
        var dependsOn = resources.ToDictionary(
            r => r,
            r => r.AnnotationsOf<WaitAnnotation>().Select(w => Runs(w.Dependency))
                .Concat(r.AnnotationsOf<ReferenceAnnotation>().Select(a => Runs(a.Target)))
                // Every project sends telemetry to the dashboard: it stops last, to receive their final flush.
                .Concat(r is ProjectResource and not DashboardResource ? resources.OfType<DashboardResource>() : [])
                .Where(d => d != r)
                .ToHashSet());
        var levels = new List<List<Resource>>();
        var remaining = resources.ToHashSet();
        while (remaining.Count > 0)
        {
            // Those nobody remaining depends on can stop now.
            var level = remaining.Where(r => !remaining.Any(other => dependsOn[other].Contains(r))).ToList();
            if (level.Count == 0)
            {
                level = [.. remaining]; // a cycle: stop the rest together
            }

            levels.Add(level);
            remaining.ExceptWith(level);
        }

        return levels;
    }

    private void Update(Entry entry, ResourceState state, string? message)
    {
        entry.State = state;
        entry.Message = message;
        ResourceChanged?.Invoke(Snapshot(entry));
    }

    private static ResourceSnapshot Snapshot(Entry entry)
    {
        var resource = entry.Resource;
        var urls = resource.AnnotationsOf<EndpointAnnotation>().Where(e => e.IsAllocated).Select(e => e.Url).ToList();
        var environment = (entry.Runner?.Environment ?? new Dictionary<string, string>())
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => Secrets.MaskValue(kv.Key, kv.Value));
        var processId = entry.Runner?.MainProcess is { HasExited: false } process ? process.ProcessGroupId : (int?)null;
        return new ResourceSnapshot(resource.Name, resource.Type, entry.State, entry.IsHealthy, entry.StartedAt, entry.ExitCode, processId, entry.Message, urls, environment);
    }


    private sealed class Entry(Resource resource)
    {
        public Resource Resource { get; } = resource;

        public OutputLog Output { get; } = new();

        public TaskCompletionSource<bool> Healthy { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ResourceRunner? Runner { get; set; }

        public ResourceState State { get; set; } = ResourceState.NotStarted;

        public bool IsHealthy { get; set; }

        public bool FailedItself { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public int? ExitCode { get; set; }

        public string? Message { get; set; }
    }
}
