using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.OrderService.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
        });
        modelBuilder.Entity<OrderLine>(line =>
        {
            line.ToTable("order_lines");
            line.Property(l => l.Sku).HasMaxLength(64);
        });
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            // Snake case: the relay claims rows with SQL of its own (FOR UPDATE SKIP LOCKED), and people read it.
            message.ToTable("outbox_messages");
            message.Property(m => m.Id).HasColumnName("id");
            message.Property(m => m.MessageType).HasColumnName("message_type");
            message.Property(m => m.Body).HasColumnName("body");
            message.Property(m => m.TraceParent).HasColumnName("traceparent");
            message.Property(m => m.TraceState).HasColumnName("tracestate");
            message.Property(m => m.Baggage).HasColumnName("baggage");
            message.Property(m => m.CreatedAt).HasColumnName("created_at");
            message.Property(m => m.SentAt).HasColumnName("sent_at");
            message.Property(m => m.Attempts).HasColumnName("attempts").HasDefaultValue(0);
            message.Property(m => m.LastError).HasColumnName("last_error");
            // Only pending rows are searched, oldest first; sent ones wait for the clean-up.
            message.HasIndex(m => m.CreatedAt).HasDatabaseName("ix_outbox_messages_pending").HasFilter("sent_at IS NULL");
        });
        modelBuilder.Entity<IdempotencyKey>(key =>
        {
            key.ToTable("idempotency_keys");
            key.HasKey(k => k.Key);
            key.Property(k => k.Key).HasColumnName("key").HasMaxLength(IdempotencyKey.MaxLength);
            key.Property(k => k.RequestHash).HasColumnName("request_hash");
            key.Property(k => k.OrderId).HasColumnName("order_id");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
            key.HasOne(k => k.Order).WithMany().HasForeignKey(k => k.OrderId);
            key.HasIndex(k => k.CreatedAt).HasDatabaseName("ix_idempotency_keys_created_at");
        });
    }
}

/// <summary>For `dotnet ef migrations add`: a context without a running database.</summary>
public sealed class OrdersDbContextDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<OrdersDbContext>
{
    public OrdersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OrdersDbContext>().UseNpgsql("Host=localhost;Database=ordersdb").Options);
}
