using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.OrderService.Data;

/// <summary>Applies migrations at start-up (a no-op when they are applied already).</summary>
public sealed class OrdersDbMigrator(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
