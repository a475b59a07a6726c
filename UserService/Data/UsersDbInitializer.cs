using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace DistributedTracing.UserService.Data;

/// <summary>Applies migrations and seeds demo users at start-up; both are safe to run again.</summary>
public sealed class UsersDbInitializer(IServiceProvider services, ILogger<UsersDbInitializer> logger) : IHostedService
{
    private static readonly (string Name, string Email)[] DemoUsers =
    [
        ("Ada Lovelace", "ada@example.com"),
        ("Grace Hopper", "grace@example.com"),
        ("Alan Turing", "alan@example.com"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
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
        foreach (var (name, email) in DemoUsers)
        {
            if (!await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
            {
                db.Users.Add(new User { Name = name, Email = email });
            }
        }

        var added = await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("usersdb is migrated; {Added} demo users added", added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
