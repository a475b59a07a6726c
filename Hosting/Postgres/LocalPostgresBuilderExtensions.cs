using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.LocalServers;
using DistributedTracing.Hosting.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// A PostgreSQL server from the machine's packages, for runs where no container can run: a fresh cluster
    /// in the run's folder (initdb with a generated password), on a loopback port that DCP allocates, with a
    /// health check and the databases of <see cref="AddDatabase"/> created once it is ready. As root it runs as
    /// the postgres system user, since PostgreSQL refuses to run as root.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var folder = builder.GetRunFolder().Subfolder($"postgres-{name}");
        var server = new LocalPostgresServerResource(name, folder, password);
        var binaries = new Lazy<string>(() => PostgresInstallation.FindBinaries(builder.Configuration["LocalPostgres:BinDirectory"]));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")) + ";Database=postgres;Pooling=false;Timeout=2",
            name: healthCheckKey);

        return builder.AddResource(server)
            .WithIconName("DatabaseMultiple")
            // Not proxied: clients talk to the server itself, on the port DCP picks for it.
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                // Fast shutdown on stop; as root, the server runs as the postgres user.
                foreach (var argument in ServerLauncher.Arguments(
                    stopSignal: "INT",
                    serverOptions: SystemTools.IsRoot ? "--reuid=postgres --regid=postgres --init-groups" : "",
                    sidecars: [],
                    server:
                    [
                        Path.Combine(binaries.Value, "postgres"), "-D", server.DataDirectory,
                        "-p", server.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                        "-k", server.WorkingDirectory, "-c", "listen_addresses=localhost",
                        // The data is thrown away after the run and need not survive the machine crashing, only the
                        // server: no fsync, yet each commit is written to the kernel before it returns (synchronous_commit
                        // stays on), so a SIGKILL of the postmaster loses nothing that was committed.
                        "-c", "fsync=off", "-c", "full_page_writes=off",
                    ]))
                {
                    context.Args.Add(argument);
                }
            })
            .OnBeforeResourceStarted(async (resource, @event, ct) =>
            {
                await InitializeClusterAsync(resource, binaries.Value, @event.Services, ct);
                StalePostmasterPid.Remove(resource.DataDirectory, @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource));
            })
            .OnResourceReady(async (resource, @event, ct) =>
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres;Pooling=false");
                await connection.OpenAsync(ct);
                foreach (var databaseName in resource.Databases.Values)
                {
                    await CreateDatabaseAsync(connection, databaseName, ct);
                }
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>A database that the server creates once it is ready; its state follows the server's.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, [ResourceName] string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.AddDatabase(name, database.DatabaseName);

        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")) + ";Pooling=false;Timeout=2",
            name: healthCheckKey);

        return server.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithParentState()
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>initdb on the first start of the run; a restart keeps the cluster (and the data) it made.</summary>
    private static async Task InitializeClusterAsync(LocalPostgresServerResource server, string binaries, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(server.WorkingDirectory);
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken);
        var passwordFile = Path.Combine(server.WorkingDirectory, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            string[] initdb =
            [
                Path.Combine(binaries, "initdb"), "-D", server.DataDirectory, "-U", LocalPostgresServerResource.UserName,
                $"--pwfile={passwordFile}", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
            ];
            if (SystemTools.IsRoot)
            {
                _ = SystemTools.FindOnPath("setpriv") ?? throw new DistributedApplicationException("Running as root needs setpriv (package util-linux) to run PostgreSQL as the postgres user.");
                await SystemTools.RunAsync("chown", ["-R", "postgres:postgres", server.WorkingDirectory], server.WorkingDirectory, cancellationToken);
                initdb = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. initdb];
                logger.LogInformation("initdb into {Folder} as the postgres user", server.DataDirectory);
                await SystemTools.RunAsync("setpriv", initdb, server.WorkingDirectory, cancellationToken);
            }
            else
            {
                logger.LogInformation("initdb into {Folder}", server.DataDirectory);
                await SystemTools.RunAsync(initdb[0], initdb[1..], server.WorkingDirectory, cancellationToken);
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabaseAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", databaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

}
