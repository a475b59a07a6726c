using System.Reflection;
using System.Runtime.InteropServices;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Orchestration;

namespace DistributedTracing.Hosting;

/// <summary>The running app model: starts resources in dependency order, watches them, stops them all.</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly Orchestrator _orchestrator;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        Builder = builder;
        _orchestrator = new Orchestrator(builder);
    }

    public DistributedApplicationBuilder Builder { get; }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) =>
        new(args, Testing.DistributedApplicationTestHook.AppHostAssembly ?? Assembly.GetEntryAssembly() ?? Assembly.GetCallingAssembly());

    public IReadOnlyList<ResourceSnapshot> Snapshots => _orchestrator.Snapshots;

    public event Action<ResourceSnapshot>? ResourceChanged
    {
        add => _orchestrator.ResourceChanged += value;
        remove => _orchestrator.ResourceChanged -= value;
    }

    /// <summary>Process groups of the resources, after StopAsync: every one should be gone.</summary>
    public IReadOnlyList<int> StoppedProcessGroups => _orchestrator.ProcessGroups;

    public static bool ProcessGroupExists(int processGroupId) => Processes.NativeSignals.GroupExists(processGroupId);

    public Processes.OutputLog GetOutput(string resourceName) => _orchestrator.GetOutput(resourceName);

    private ResourceService.ResourceServiceHost? _resourceService;

    /// <summary>Starts every resource; throws naming the resource (with its last output) when one fails.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Builder.Resources.OfType<DashboardResource>().FirstOrDefault() is { } dashboard)
        {
            _resourceService = new ResourceService.ResourceServiceHost(this, dashboard.BrowserToken);
            await _resourceService.StartAsync(Orchestration.PortAllocator.FreePort(), cancellationToken);
            dashboard.ResourceServiceUrl = _resourceService.Url;
        }

        await _orchestrator.StartAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        await _orchestrator.StopAsync();
        if (_resourceService is not null)
        {
            await _resourceService.DisposeAsync();
            _resourceService = null;
        }
    }

    /// <summary>The engine's resource API, once started (null without a dashboard).</summary>
    public string? ResourceServiceUrl => _resourceService?.Url;

    public Uri GetEndpoint(string resourceName, string endpointName = "http") =>
        new(Resource(resourceName).AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == endpointName).Url);

    public string GetConnectionString(string resourceName) =>
        Resource(resourceName) is IResourceWithConnectionString withConnection
            ? withConnection.GetConnectionString()
            : throw new InvalidOperationException($"'{resourceName}' has no connection string.");

    public T Resource<T>(string name)
        where T : Resource => (T)Resource(name);

    public Resource Resource(string name) =>
        Builder.Resources.FirstOrDefault(r => r.Name == name) ?? throw new InvalidOperationException($"No resource named '{name}'.");

    /// <summary>Starts, shows progress and the login link, and runs until Ctrl+C or SIGTERM; then stops everything.</summary>
    /// <summary>Set when a test built this app from the AppHost's Program: Run() must not start it.</summary>
    internal bool RunInTest { get; set; }

    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<int> RunAsync()
    {
        if (RunInTest)
        {
            await _disposed.Task; // the test starts and stops the app; the entry point just waits
            return 0;
        }

        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
        using var console = new ConsoleReporter(this);
        using var orphaned = WatchParent(stopping);

        var exitCode = 0;
        try
        {
            await StartAsync(stopping.Token);
            console.ReportStarted();
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (DistributedApplicationException ex)
        {
            console.ReportFailure(ex);
            exitCode = 1;
        }

        console.ReportStopping();
        await StopAsync();
        console.ReportStopped();
        return exitCode;
    }

    /// <summary>
    /// `dotnet run` does not pass SIGTERM on to the app it started: when whoever started the AppHost goes
    /// away, the AppHost stops everything too, instead of running on unseen.
    /// </summary>
    private static Timer WatchParent(CancellationTokenSource stopping)
    {
        var parent = Processes.NativeSignals.ParentProcessId();
        return new Timer(_ =>
        {
            if (Processes.NativeSignals.ParentProcessId() != parent)
            {
                stopping.Cancel();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Run() => Environment.ExitCode = RunAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _disposed.TrySetResult();
    }
}

/// <summary>A resource failed to start; the message names it and shows its last lines of output.</summary>
public sealed class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);
