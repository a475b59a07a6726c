using System.Diagnostics;

namespace DistributedTracing.Hosting.Processes;

/// <summary>
/// A child process in a session of its own (via setsid), so a terminal's Ctrl+C reaches only the AppHost,
/// which then stops children in dependency order by signalling each one's process group.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ManagedProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        ProcessGroupId = process.Id; // setsid execs in place: the child leads its own group
        Exited = process.WaitForExitAsync();
    }

    public string Description { get; }

    public int ProcessGroupId { get; }

    public Task Exited { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ManagedProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string> environment, string workingDirectory, OutputLog output)
    {
        var args = arguments.ToList();
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // a child must never read the AppHost's terminal
            UseShellExecute = false,
        };
        start.ArgumentList.Add(fileName);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Write(e.Data, isError: false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Write(e.Data, isError: true); };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(process, $"{fileName} {string.Join(' ', args)}");
    }

    /// <summary>Asks the group to stop with <paramref name="signal"/>; kills it when it has not stopped in time.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            NativeSignals.SignalGroup(ProcessGroupId, signal);
            await Task.WhenAny(Exited, Task.Delay(grace));
        }

        // The leader may be gone while its children linger: the group decides.
        if (NativeSignals.GroupExists(ProcessGroupId))
        {
            using var deadline = new CancellationTokenSource(grace);
            while (NativeSignals.GroupExists(ProcessGroupId) && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }

            NativeSignals.SignalGroup(ProcessGroupId, NativeSignals.SigKill);
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(NativeSignals.SigTerm, TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
