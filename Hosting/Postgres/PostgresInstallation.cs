using Aspire.Hosting;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>Where the machine's PostgreSQL server programs are.</summary>
internal static class PostgresInstallation
{
    public const string InstallHint = "PostgreSQL is not installed: run ./run.sh (it installs what is missing) or 'sudo apt-get install postgresql'.";

    /// <summary>
    /// LocalPostgres:BinDirectory when set (a newer major version, a source build), else the newest server
    /// in Debian's layout, else whatever PATH offers.
    /// </summary>
    public static string FindBinaries(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "postgres"))
                ? configured
                : throw new DistributedApplicationException($"No postgres in LocalPostgres:BinDirectory ({configured}). {InstallHint}");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var version) ? version : 0)
                .Select(dir => Path.Combine(dir, "bin"))
                .FirstOrDefault(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")));
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = LocalServers.SystemTools.FindOnPath("postgres");
        return onPath is not null && LocalServers.SystemTools.FindOnPath("initdb") is not null
            ? Path.GetDirectoryName(onPath)!
            : throw new DistributedApplicationException(InstallHint);
    }
}
