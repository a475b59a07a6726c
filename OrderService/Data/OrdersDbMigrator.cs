using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace DistributedTracing.OrderService.Data;

/// <summary>Applies migrations at start-up (a no-op when they are applied already).</summary>
public sealed class OrdersDbMigrator(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        // Npgsql's migrator reads __EFMigrationsHistory before creating it, so on a fresh database EF logs that failed
        // SELECT as an Error (then swallows it). Creating the database and the history table first (both idempotent)
        // makes that read succeed; MigrateAsync then applies what is missing, or does nothing on a second start.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        // Two OrderService instances start together and would both create the same tables (one then fails with
        // 42P07): a session-level advisory lock lets one migrate while the other waits, then finds nothing to do.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(" + MigrationLockId + ")", cancellationToken);
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            // Closing the session releases the lock too; this says so without waiting for the pool.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(" + MigrationLockId + ")", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Any number the app uses for nothing else: the advisory lock's key ("orders" in ASCII).</summary>
    private const string MigrationLockId = "111114100101114115";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
