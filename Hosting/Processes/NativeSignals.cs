using System.Runtime.InteropServices;

namespace DistributedTracing.Hosting.Processes;

/// <summary>
/// kill(2) for process groups. .NET's Process.Kill signals one process (or SIGKILLs a tree); a server
/// like Postgres wants a polite signal to its whole group, so it can shut down in order.
/// </summary>
internal static partial class NativeSignals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    private static partial int getppid();

    /// <summary>This process's parent now; it changes when the parent dies and we are adopted.</summary>
    public static int ParentProcessId() => getppid();

    /// <summary>Sends <paramref name="signal"/> to every process in the group; false if the group is gone.</summary>
    public static bool SignalGroup(int processGroupId, int signal) => processGroupId > 1 && kill(-processGroupId, signal) == 0;

    /// <summary>
    /// Whether any process of the group is still alive. Zombies do not count: an orphan that was killed
    /// waits for its new parent (init, which in a container may never reap it) but runs no more.
    /// </summary>
    public static bool GroupExists(int processGroupId)
    {
        if (processGroupId <= 1 || kill(-processGroupId, 0) != 0)
        {
            return false;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == processGroupId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                // the process ended while we looked, or is not a process folder
            }
        }

        return false;
    }

    public static bool ProcessExists(int processId) => processId > 1 && kill(processId, 0) == 0;

    public static bool Signal(int processId, int signal) => processId > 1 && kill(processId, signal) == 0;
}
