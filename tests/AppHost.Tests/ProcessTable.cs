using System.Globalization;
using System.Runtime.InteropServices;

namespace DistributedTracing.AppHost.Tests;

/// <summary>One process as /proc shows it; its start time (in clock ticks since boot) tells it from a later process with the same id.</summary>
public sealed record ProcessEntry(int Pid, int ParentPid, long StartTime, string CommandLine)
{
    public override string ToString() => $"{Pid} {(CommandLine.Length > 160 ? CommandLine[..160] + "…" : CommandLine).ReplaceLineEndings(" ")}";
}

/// <summary>The machine's processes, read from /proc, and signals sent to them.</summary>
public static class ProcessTable
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public static IReadOnlyList<ProcessEntry> Read()
    {
        var entries = new List<ProcessEntry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && TryRead(pid) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>The process, unless it is gone (or a zombie: it has exited and holds nothing but its exit status).</summary>
    public static ProcessEntry? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z")
            {
                return null;
            }

            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessEntry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture), commandLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the process's environment holds <paramref name="variable"/> (NAME=VALUE) as it was started; false
    /// when it is gone or not ours to read.
    /// </summary>
    public static bool HasEnvironmentVariable(int pid, string variable)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(variable, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Still running: the same process (same id, same start time), not exited.</summary>
    public static bool IsAlive(ProcessEntry process) => TryRead(process.Pid) is { } now && now.StartTime == process.StartTime;

    public static IEnumerable<ProcessEntry> Children(IReadOnlyList<ProcessEntry> all, int pid) => all.Where(p => p.ParentPid == pid);

    /// <summary><paramref name="pid"/>'s children, their children, and so on.</summary>
    public static IReadOnlyList<ProcessEntry> Descendants(IReadOnlyList<ProcessEntry> all, int pid)
    {
        var found = new List<ProcessEntry>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in Children(all, parent))
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>
    /// The process of a resource DCP started (its <c>executable.pid</c> property) or, where that is a launcher
    /// (<c>dotnet run</c>, a shell), the descendant whose command line holds <paramref name="marker"/>.
    /// </summary>
    public static ProcessEntry OfResource(Aspire.Hosting.ApplicationModel.CustomResourceSnapshot snapshot, string marker) =>
        OfResource(snapshot, p => p.CommandLine.Contains(marker, StringComparison.Ordinal) && !p.CommandLine.StartsWith("dotnet run", StringComparison.Ordinal));

    /// <summary>The first that matches among the process DCP started for a resource and its descendants.</summary>
    public static ProcessEntry OfResource(Aspire.Hosting.ApplicationModel.CustomResourceSnapshot snapshot, Func<ProcessEntry, bool> match)
    {
        var pid = int.Parse(snapshot.Properties.Single(p => p.Name == "executable.pid").Value!.ToString()!, CultureInfo.InvariantCulture);
        var all = Read();
        return all.Where(p => p.Pid == pid).Concat(Descendants(all, pid)).First(match);
    }

    /// <summary>Sends <paramref name="signal"/> to a process, or to a process group when <paramref name="pid"/> is negative.</summary>
    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
