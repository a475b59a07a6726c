using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.UserService.Data;

/// <summary>The users the demo's orders are placed for, added at start-up where missing (safe to run again).</summary>
public static class DemoUsers
{
    private static readonly (string Name, string Email)[] Users =
    [
        ("Ada Lovelace", "ada@example.com"),
        ("Grace Hopper", "grace@example.com"),
        ("Alan Turing", "alan@example.com"),
    ];

    public static async Task AddMissingAsync(UsersDbContext db, CancellationToken cancellationToken)
    {
        foreach (var (name, email) in Users)
        {
            if (!await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
            {
                db.Users.Add(new User { Name = name, Email = email });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
