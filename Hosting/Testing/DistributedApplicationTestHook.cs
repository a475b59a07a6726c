using System.Reflection;

namespace DistributedTracing.Hosting.Testing;

/// <summary>
/// Runs an AppHost's own Program inside a test (the role of Aspire.Hosting.Testing): the entry point runs
/// on its own thread until it calls Build(); the test gets the builder (to adjust settings) and the app,
/// starts it, and disposes it. Run() in the entry point then just waits for the test to finish.
/// </summary>
public static class DistributedApplicationTestHook
{
    private static readonly AsyncLocal<Capture?> Current = new();

    internal static Assembly? AppHostAssembly => Current.Value?.Assembly;

    /// <summary>Builds the app model of <paramref name="appHostAssembly"/>'s Program without running it.</summary>
    public static async Task<DistributedApplication> BuildAsync(Assembly appHostAssembly, string[] args, Action<DistributedApplicationBuilder>? configure = null)
    {
        var entryPoint = appHostAssembly.EntryPoint ?? throw new InvalidOperationException($"{appHostAssembly.GetName().Name} has no entry point.");
        var capture = new Capture(appHostAssembly, configure);
        var thread = new Thread(() =>
        {
            Current.Value = capture;
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
            }
            catch (Exception ex)
            {
                capture.Built.TrySetException(ex.InnerException ?? ex);
            }

            capture.Built.TrySetException(new InvalidOperationException("The AppHost's Program ended without building an app."));
        })
        { IsBackground = true, Name = "AppHost entry point" };
        thread.Start();
        return await capture.Built.Task.WaitAsync(TimeSpan.FromMinutes(1));
    }

    internal static void OnBuilt(DistributedApplicationBuilder builder, DistributedApplication app)
    {
        if (Current.Value is not { } capture)
        {
            return;
        }

        capture.Configure?.Invoke(builder);
        capture.Built.TrySetResult(app);
        app.RunInTest = true;
    }

    private sealed record Capture(Assembly Assembly, Action<DistributedApplicationBuilder>? Configure)
    {
        public TaskCompletionSource<DistributedApplication> Built { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
