using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.NotificationWorker.Data;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.Property(n => n.Email).HasMaxLength(320);
            notification.Property(n => n.TraceId).HasMaxLength(32);
            // One notification per order, whatever the broker redelivers: the database settles a race the
            // consumer's own check cannot (two deliveries of one order handled at once).
            notification.HasIndex(n => n.OrderId).IsUnique();
        });
}

/// <summary>For `dotnet ef migrations add`: a context without a running database.</summary>
public sealed class NotificationsDbContextDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql("Host=localhost;Database=notificationsdb").Options);
}
