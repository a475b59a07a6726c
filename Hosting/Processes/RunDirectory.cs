using System.Globalization;

namespace DistributedTracing.Hosting.Processes;

/// <summary>
/// Where one run keeps its data (database files, broker state, sockets): a fresh folder under
/// /tmp/distributed-tracing-UID, deleted when the run stops. It also records the process groups it
/// started, so the next run can stop what a killed AppHost left behind.
/// </summary>
public sealed class RunDirectory
{
    private const string OwnerFile = "apphost.pid";
    private const string ProcessGroupsFile = "process-groups";
    private readonly Lock _lock = new();

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    public static string BaseDirectory => System.IO.Path.Combine("/tmp", $"distributed-tracing-{Environment.UserName}");

    public static RunDirectory Create()
    {
        Directory.CreateDirectory(BaseDirectory);
        // Others (the postgres user, when we run as root) must be able to reach their own folder inside.
        File.SetUnixFileMode(BaseDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var path = System.IO.Path.Combine(BaseDirectory, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new RunDirectory(path);
    }

    public string Subdirectory(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    private readonly List<int> _processGroups = [];

    /// <summary>Every process group this run started (for tests that check nothing is left).</summary>
    public IReadOnlyList<int> ProcessGroups
    {
        get
        {
            lock (_lock)
            {
                return [.. _processGroups];
            }
        }
    }

    public void RecordProcessGroup(int processGroupId)
    {
        lock (_lock)
        {
            _processGroups.Add(processGroupId);
            File.AppendAllText(System.IO.Path.Combine(Path, ProcessGroupsFile), processGroupId.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Stops the processes of runs whose AppHost is gone, and deletes their folders.</summary>
    public static int CleanUpAbandonedRuns()
    {
        if (!Directory.Exists(BaseDirectory))
        {
            return 0;
        }

        var cleaned = 0;
        foreach (var run in Directory.GetDirectories(BaseDirectory))
        {
            var owner = System.IO.Path.Combine(run, OwnerFile);
            if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out var pid) && NativeSignals.ProcessExists(pid))
            {
                continue; // another AppHost (or test) is running
            }

            var groups = System.IO.Path.Combine(run, ProcessGroupsFile);
            if (File.Exists(groups))
            {
                foreach (var line in File.ReadAllLines(groups))
                {
                    if (int.TryParse(line, CultureInfo.InvariantCulture, out var group))
                    {
                        NativeSignals.SignalGroup(group, NativeSignals.SigKill);
                    }
                }
            }

            new RunDirectory(run).Delete();
            cleaned++;
        }

        return cleaned;
    }
}
