using Microsoft.EntityFrameworkCore;

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
