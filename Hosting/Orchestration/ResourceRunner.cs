using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Processes;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>How one kind of resource starts, becomes healthy and stops.</summary>
public abstract class ResourceRunner(Resource resource, RunContext context)
{
    private readonly List<ManagedProcess> _processes = [];

    public Resource Resource { get; } = resource;

    protected RunContext Context { get; } = context;

    /// <summary>The main process: when it exits, the resource has exited.</summary>
    public ManagedProcess? MainProcess { get; protected set; }

    /// <summary>The environment the resource was started with, for the resources page (masked there).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; protected set; } = new Dictionary<string, string>();

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task WaitUntilHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Stops the processes, last started first.</summary>
    public virtual async Task StopAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].StopAsync(StopSignal, TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>SIGTERM by default; Postgres prefers SIGINT (fast shutdown).</summary>
    protected virtual int StopSignal => NativeSignals.SigTerm;

    protected ManagedProcess StartProcess(string fileName, IEnumerable<string> arguments, IDictionary<string, string> environment, string workingDirectory)
    {
        var process = ManagedProcess.Start(fileName, arguments, environment, workingDirectory, Context.Output);
        Context.RunDirectory.RecordProcessGroup(process.ProcessGroupId);
        _processes.Add(process);
        return process;
    }

    /// <summary>Polls <paramref name="probe"/> until it succeeds, failing fast if the process exits.</summary>
    protected async Task PollUntilHealthyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (MainProcess is { HasExited: true } exited)
            {
                throw new DistributedApplicationException($"'{Resource.Name}' exited with code {exited.ExitCode} before it was healthy.");
            }

            try
            {
                if (await probe(deadline.Token))
                {
                    return;
                }
            }
            catch (Exception) when (!deadline.IsCancellationRequested)
            {
                // not up yet
            }

            try
            {
                await Task.Delay(200, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DistributedApplicationException($"'{Resource.Name}' was not healthy within {timeout.TotalSeconds:N0} s.");
            }
        }
    }
}
