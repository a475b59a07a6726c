using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace DistributedTracing.Data;

/// <summary>
/// Applies a context's migrations at start-up (nothing to do on a second start), then seeds it if asked to.
/// If PostgreSQL is away it tries again with growing pauses instead of failing the start: the service is not
/// ready (its database health check fails) until the database is, and comes up by itself once it is.
/// </summary>
internal sealed partial class DatabaseMigrator<TContext>(IServiceProvider services, ILogger<DatabaseMigrator<TContext>> logger, string databaseName,
    Func<TContext, CancellationToken, Task>? seed)
    : IHostedService
    where TContext : DbContext
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when ((ex is NpgsqlException or TimeoutException) && !cancellationToken.IsCancellationRequested)
            {
                LogDatabaseAway(logger, ex, databaseName, attempt, pause.TotalSeconds);
                await Task.Delay(pause, cancellationToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        // Npgsql's migrator reads __EFMigrationsHistory before creating it, so on a fresh database EF logs that failed
        // SELECT as an Error (then swallows it). Creating the database and the history table first (both idempotent)
        // makes that read succeed; MigrateAsync then applies what is missing, or does nothing on a second start.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        // Two instances of a service start together and would both create the same tables (one then fails with
        // 42P07): a session-level advisory lock lets one migrate while the other waits, then finds nothing to do.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({LockKey})", cancellationToken);
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            if (seed is not null)
            {
                await seed(db, cancellationToken);
            }
        }
        finally
        {
            // The connection goes back to the pool with its session open, so the lock is released here, not at close.
            // A session the database broke holds no lock any more: nothing to release, and nothing to report.
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
            }

            await db.Database.CloseConnectionAsync();
        }

        LogMigrated(logger, databaseName);
    }

    /// <summary>The advisory lock's key: the context's name hashed, so each database's services share one lock.</summary>
    private static readonly long LockKey =
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(typeof(TContext).FullName!)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Database} cannot be migrated yet (try {Attempt}); next try in {PauseSeconds} s")]
    private static partial void LogDatabaseAway(ILogger logger, Exception exception, string database, int attempt, double pauseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database} is migrated")]
    private static partial void LogMigrated(ILogger logger, string database);
}
