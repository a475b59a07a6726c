using DistributedTracing.Hosting.Orchestration;
using DistributedTracing.Hosting.Processes;
using Npgsql;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>
/// initdb into the run's folder, then the server in the foreground on 127.0.0.1 with its own socket folder.
/// Postgres refuses to run as root, so as root both run as the postgres system user (via setpriv, which
/// keeps the process in our process group), in a folder that user owns.
/// </summary>
internal sealed class PostgresRunner(PostgresServerResource server, RunContext context) : ResourceRunner(server, context)
{
    private const string InstallHint = "PostgreSQL is not installed: run ./run.sh (it installs what is missing) or 'sudo apt-get install postgresql'.";

    protected override int StopSignal => NativeSignals.SigInt; // "fast shutdown": roll back, close, exit

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosting:Postgres:BinDirectory picks a server of your own (a newer major version, a source build).
        var binaries = Context.Builder.Configuration["Hosting:Postgres:BinDirectory"] is { Length: > 0 } configured
            ? (File.Exists(Path.Combine(configured, "postgres")) ? configured : throw new DistributedApplicationException($"'{server.Name}': no postgres in Hosting:Postgres:BinDirectory ({configured}). {InstallHint}"))
            : FindBinaries() ?? throw new DistributedApplicationException(InstallHint);
        var folder = Context.RunDirectory.Subdirectory($"postgres-{server.Name}");
        var data = Path.Combine(folder, "data");
        var passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(passwordFile, server.Password, cancellationToken);

        var prefix = new List<string>();
        if (SystemTools.IsRoot)
        {
            if (SystemTools.FindOnPath("setpriv") is null)
            {
                throw new DistributedApplicationException("Running as root needs setpriv (package util-linux) to run PostgreSQL as the postgres user.");
            }

            await SystemTools.RunAsync("chown", ["-R", "postgres:postgres", folder]);
            prefix.AddRange(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]);
        }

        Context.Output.Write($"initdb into {data}", isError: false);
        var initdb = prefix.Count > 0 ? prefix[0] : Path.Combine(binaries, "initdb");
        var initdbArguments = prefix.Skip(1).Concat(prefix.Count > 0 ? [Path.Combine(binaries, "initdb")] : [])
            .Concat(["-D", data, "-U", server.UserName, $"--pwfile={passwordFile}", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]);
        try
        {
            Context.Output.Write(await SystemTools.RunAsync(initdb, initdbArguments, workingDirectory: folder), isError: false);
        }
        catch (InvalidOperationException ex)
        {
            throw new DistributedApplicationException($"'{server.Name}': initdb failed: {ex.Message}");
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Data is thrown away after the run: trade durability for speed.
        string[] serverArguments =
        [
            "-D", data, "-p", server.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", folder, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ];
        var postgres = Path.Combine(binaries, "postgres");
        MainProcess = prefix.Count > 0
            ? StartProcess(prefix[0], [.. prefix.Skip(1), postgres, .. serverArguments], new Dictionary<string, string>(), folder)
            : StartProcess(postgres, serverArguments, new Dictionary<string, string>(), folder);
        Environment = new Dictionary<string, string> { ["PGDATA"] = data, ["PGPORT"] = server.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }

    public override async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        await PollUntilHealthyAsync(
            async token =>
            {
                await using var connection = new NpgsqlConnection(server.ConnectionStringFor("postgres") + ";Timeout=2;Pooling=false");
                await connection.OpenAsync(token);
                return true;
            },
            TimeSpan.FromSeconds(60),
            cancellationToken);

        await using var admin = new NpgsqlConnection(server.ConnectionStringFor("postgres") + ";Pooling=false");
        await admin.OpenAsync(cancellationToken);
        foreach (var database in server.Databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", database.DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
                Context.Output.Write($"created database {database.DatabaseName}", isError: false);
            }
        }
    }

    /// <summary>The newest server in Debian's layout, else whatever PATH offers.</summary>
    private static string? FindBinaries()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
                .FirstOrDefault(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")));
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = SystemTools.FindOnPath("postgres");
        return onPath is not null && SystemTools.FindOnPath("initdb") is not null ? Path.GetDirectoryName(onPath) : null;
    }
}
