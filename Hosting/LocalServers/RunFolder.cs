using System.Globalization;

namespace DistributedTracing.Hosting.LocalServers;

/// <summary>
/// Where the local servers of one AppHost run keep their data: a fresh folder under
/// /tmp/distributed-tracing-USER, deleted when the app is disposed. Restarting a server inside the run
/// keeps its data; a new run starts empty. Folders of runs whose AppHost is gone (killed) are deleted by
/// the next run.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunFolder : IDisposable
{
    private const string OwnerFile = "apphost.pid";

    private RunFolder(string path) => Path = path;

    public string Path { get; }

    public static string BaseDirectory => System.IO.Path.Combine("/tmp", $"distributed-tracing-{Environment.UserName}");

    /// <summary>
    /// The folder this run will use, once the folders of runs whose AppHost no longer exists are deleted.
    /// Nothing of its own is written until <see cref="Create"/>, so an app model that is only declared (a
    /// test of the model) leaves nothing behind.
    /// </summary>
    public static RunFolder ForNewRun()
    {
        DeleteAbandonedRuns();
        return new(System.IO.Path.Combine(BaseDirectory, Guid.NewGuid().ToString("N")[..8]));
    }

    /// <summary>Makes the folder, readable by the servers' own users.</summary>
    public void Create()
    {
        // Others (the postgres user, when we run as root) must be able to pass through to their own folder.
        const UnixFileMode passThrough = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(BaseDirectory, passThrough);
        File.SetUnixFileMode(BaseDirectory, passThrough);
        Directory.CreateDirectory(Path, passThrough);
        File.WriteAllText(System.IO.Path.Combine(Path, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        // The app normally deletes it when it stops; an app that is disposed without stopping (seen in tests
        // whose start failed) leaves that to the end of the process.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <summary>The path of a server's own folder inside the run's; the server makes it before it starts.</summary>
    public string Subfolder(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => TryDelete(Path);

    /// <summary>Deletes the folders of runs whose AppHost process is gone; returns how many.</summary>
    public static int DeleteAbandonedRuns()
    {
        if (!Directory.Exists(BaseDirectory))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var run in Directory.GetDirectories(BaseDirectory))
        {
            var owner = System.IO.Path.Combine(run, OwnerFile);
            if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}"))
            {
                continue; // another AppHost (or test) is running
            }

            // A run starting beside this one makes its folder and then writes its owner file: a folder a moment
            // old without one is that run's, not an abandoned one.
            if (!File.Exists(owner) && DateTime.UtcNow - Directory.GetCreationTimeUtc(run) < TimeSpan.FromMinutes(1))
            {
                continue;
            }

            TryDelete(run);
            deleted++;
        }

        return deleted;
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A server still writing while it stops; the next run deletes what is left.
        }
    }
}
