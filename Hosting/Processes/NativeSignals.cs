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

    /// <summary>Sends <paramref name="signal"/> to every process in the group; false if the group is gone.</summary>
    public static bool SignalGroup(int processGroupId, int signal) => processGroupId > 1 && kill(-processGroupId, signal) == 0;

    /// <summary>Whether any process of the group is still alive (signal 0 only checks).</summary>
    public static bool GroupExists(int processGroupId) => processGroupId > 1 && kill(-processGroupId, 0) == 0;

    public static bool ProcessExists(int processId) => processId > 1 && kill(processId, 0) == 0;
}
