using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>
/// The AppHost's console: each resource's state as it changes (coloured on a terminal, plain lines when
/// redirected), the URLs once everything runs, and the dashboard login line in Aspire's wording.
/// </summary>
internal sealed class ConsoleReporter : IDisposable
{
    private readonly DistributedApplication _app;
    private readonly bool _color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    // On a terminal, start-up is a live table (one line per resource, redrawn in place); afterwards, and
    // whenever output is redirected, every change is a plain line.
    private readonly Dictionary<string, (string Text, ConsoleColor Color)> _table = [];
    private bool _live;
    private int _drawnLines;

    public ConsoleReporter(DistributedApplication app)
    {
        _app = app;
        _app.ResourceChanged += OnChanged;
        _live = _color;
        foreach (var resource in app.Builder.Resources.Where(r => r is not IResourceWithParent))
        {
            _table[resource.Name] = ("not started", ConsoleColor.DarkGray);
        }

        Write(null, $"Starting {app.Builder.Resources.Count(r => r is not IResourceWithParent)} resources (data in {Processes.RunDirectory.BaseDirectory}, removed on exit)...", ConsoleColor.Gray);
    }

    private void OnChanged(ResourceSnapshot snapshot)
    {
        var (text, color) = snapshot.State switch
        {
            ResourceState.Waiting => (snapshot.Message ?? "waiting", ConsoleColor.DarkGray),
            ResourceState.Starting => ("starting", ConsoleColor.Yellow),
            ResourceState.Running => ("running" + (snapshot.Urls.Count > 0 ? "  " + snapshot.Urls[0] : ""), ConsoleColor.Green),
            ResourceState.Failed => ("FAILED: " + snapshot.Message, ConsoleColor.Red),
            ResourceState.Exited => ("EXITED: " + snapshot.Message, ConsoleColor.Red),
            ResourceState.Stopping => ("stopping", ConsoleColor.DarkGray),
            ResourceState.Stopped => ("stopped", ConsoleColor.DarkGray),
            _ => (snapshot.State.ToString(), ConsoleColor.Gray),
        };
        lock (_lock)
        {
            if (_live)
            {
                _table[snapshot.Name] = (text, color);
                Redraw();
                return;
            }
        }

        Write(snapshot.Name, text, color);
    }

    private void Redraw()
    {
        if (_drawnLines > 0)
        {
            Console.Write($"\u001b[{_drawnLines}A");
        }

        foreach (var (name, (text, color)) in _table)
        {
            Console.Write("\u001b[2K");
            Console.ForegroundColor = color;
            var line = $"  {name,-20}{text}";
            Console.WriteLine(line.Length > Console.WindowWidth - 1 && Console.WindowWidth > 20 ? line[..(Console.WindowWidth - 2)] + "…" : line);
            Console.ResetColor();
        }

        _drawnLines = _table.Count;
    }

    private void EndLiveView()
    {
        lock (_lock)
        {
            _live = false;
        }
    }

    public void ReportStarted()
    {
        EndLiveView();
        var elapsed = DateTimeOffset.UtcNow - _started;
        Write(null, $"All resources are healthy after {elapsed.TotalSeconds:N1} s.", ConsoleColor.Green);
        foreach (var resource in _app.Builder.Resources.OfType<ProjectResource>())
        {
            var urls = resource.AnnotationsOf<EndpointAnnotation>().Select(e => e.Url);
            Write(resource.Name, string.Join("  ", urls), ConsoleColor.Gray);
        }

        if (_app.Builder.Resources.OfType<DashboardResource>().FirstOrDefault() is { } dashboard)
        {
            // Aspire's wording, which tools parse; the one place a secret is printed, on purpose.
            WriteLine($"Login to the dashboard at {dashboard.LoginUrl}", ConsoleColor.Cyan);
        }

        Write(null, "Press Ctrl+C to stop.", ConsoleColor.Gray);
    }

    public void ReportFailure(DistributedApplicationException exception)
    {
        EndLiveView();
        WriteLine(exception.Message, ConsoleColor.Red);
    }

    public void ReportStopping()
    {
        EndLiveView();
        Write(null, "Stopping...", ConsoleColor.Gray);
    }

    public void ReportStopped() => Write(null, "Stopped; nothing is left running.", ConsoleColor.Gray);

    private void Write(string? resource, string text, ConsoleColor color) =>
        WriteLine($"{DateTime.Now:HH:mm:ss} {(resource is null ? "" : $"{resource,-20}")}{text}", color);

    private void WriteLine(string line, ConsoleColor color)
    {
        lock (_lock)
        {
            if (_color)
            {
                Console.ForegroundColor = color;
                Console.WriteLine(line);
                Console.ResetColor();
            }
            else
            {
                Console.WriteLine(line);
            }
        }
    }

    public void Dispose() => _app.ResourceChanged -= OnChanged;
}
