using DistributedTracing.Data;
using DistributedTracing.OrderService.Data;
using DistributedTracing.OrderService.Messaging;
using DistributedTracing.OrderService.Outbox;
using DistributedTracing.ServiceDefaults.GrpcServer;
using DistributedTracing.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.OrderService.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<OrdersDbContext>("ordersdb");
        builder.Services.AddScoped<OrderWriter>();

        builder.AddOutboxRelay(builder.Configuration.GetServiceDatabaseConnectionString("ordersdb"));

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<DataExceptionInterceptor>();
            grpc.Interceptors.Add<DependencyExceptionInterceptor>();
        });
        // "_grpc" picks UserService's HTTP/2 endpoint (services__userservice__grpc__0).
        builder.Services.AddGrpcClient<UserService.Grpc.UserService.UserServiceClient>(o => o.Address = new Uri("http://_grpc.userservice"));
        return builder;
    }

    /// <summary>
    /// The relay and what wakes it, registered after the migrator (hosted services start in order). RabbitMQ's
    /// connection comes without a health check: OrderService takes orders while the broker is away (their
    /// messages wait in the outbox), so the broker is not part of its readiness.
    /// </summary>
    private static void AddOutboxRelay(this IHostApplicationBuilder builder, string ordersDbConnectionString)
    {
        var messaging = builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set.");
        builder.Services.AddSingleton(new RabbitMqConnectionProvider(messaging, builder.Environment.ApplicationName));
        builder.Services.AddSingleton<OrderEventPublisher>();

        builder.Services.AddSingleton(services => new OutboxDbContextFactory(ordersDbConnectionString, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService(services => new OutboxNotificationListener(
            ordersDbConnectionString, services.GetRequiredService<OutboxSignal>(), services.GetRequiredService<ILogger<OutboxNotificationListener>>()));
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<OutboxCleanup>();
    }
}
