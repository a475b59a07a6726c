using System.Globalization;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>
/// A postmaster killed with SIGKILL leaves postmaster.pid behind. PostgreSQL removes it itself when no process
/// has that id any more, but refuses to start when the id now belongs to another process (ids are reused,
/// quickly so in a container). Before a start, a lock file whose process is not a postgres is removed.
/// </summary>
internal static class StalePostmasterPid
{
    public static void Remove(string dataDirectory, ILogger logger)
    {
        var lockFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(lockFile))
        {
            return;
        }

        var firstLine = File.ReadLines(lockFile).FirstOrDefault();
        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || !IsPostgres(pid))
        {
            logger.LogInformation("Removing postmaster.pid left by a server that is gone (pid {Pid})", firstLine);
            File.Delete(lockFile);
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // no such process
        }
    }
}
