using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace DistributedTracing.NotificationWorker.Data;

/// <summary>
/// Applies migrations at start-up (a no-op when they are applied already). If PostgreSQL is away it tries again
/// with growing pauses instead of failing the start: the worker is not ready (/health not healthy, nothing consumed)
/// until the database is, and comes up by itself once it is.
/// </summary>
public sealed partial class NotificationsDbMigrator(IServiceProvider services, ILogger<NotificationsDbMigrator> logger) : IHostedService
{
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when ((ex is NpgsqlException or TimeoutException) && !cancellationToken.IsCancellationRequested)
            {
                LogDatabaseAway(logger, ex, attempt, pause.TotalSeconds);
                await Task.Delay(pause, cancellationToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        // Npgsql's migrator reads __EFMigrationsHistory before creating it, so on a fresh database EF logs that failed
        // SELECT as an Error (then swallows it). Creating the database and the history table first (both idempotent)
        // makes that read succeed; MigrateAsync then applies what is missing, or does nothing on a second start.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "notificationsdb cannot be migrated yet (try {Attempt}); next try in {PauseSeconds} s")]
    private static partial void LogDatabaseAway(ILogger logger, Exception exception, int attempt, double pauseSeconds);
}
