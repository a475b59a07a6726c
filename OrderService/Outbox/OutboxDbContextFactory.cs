using DistributedTracing.OrderService.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>
/// Contexts for the relay and the clean-up. Their commands run every few seconds whether or not an order came,
/// so they are logged at Debug rather than Information: the logs tell about orders, not about polling.
/// </summary>
public sealed class OutboxDbContextFactory(string connectionString, ILoggerFactory loggers)
{
    private readonly DbContextOptions<OrdersDbContext> _options = new DbContextOptionsBuilder<OrdersDbContext>()
        .UseNpgsql(connectionString)
        .UseLoggerFactory(loggers)
        .ConfigureWarnings(w => w.Log((RelationalEventId.CommandExecuted, LogLevel.Debug)))
        .Options;

    public OrdersDbContext Create() => new(_options);
}
