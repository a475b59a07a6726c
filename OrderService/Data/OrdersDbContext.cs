using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.OrderService.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

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
    }
}

/// <summary>For `dotnet ef migrations add`: a context without a running database.</summary>
public sealed class OrdersDbContextDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<OrdersDbContext>
{
    public OrdersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OrdersDbContext>().UseNpgsql("Host=localhost;Database=ordersdb").Options);
}
