using DistributedTracing.OrderService.Data;
using DistributedTracing.OrderService.Messaging;
using DistributedTracing.ServiceDefaults.GrpcServer;
using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.OrderService.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("ordersdb")
            ?? throw new InvalidOperationException("ConnectionStrings:ordersdb is not set.");
        builder.Services.AddDbContext<OrdersDbContext>(options => options.UseNpgsql(connectionString));
        builder.Services.AddHostedService<OrdersDbMigrator>();

        builder.AddRabbitMqConnection("messaging");
        builder.Services.AddSingleton<OrderEventPublisher>();

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<DataExceptionInterceptor>();
            grpc.Interceptors.Add<DependencyExceptionInterceptor>();
        });
        // "_grpc" picks UserService's HTTP/2 endpoint (services__userservice__grpc__0).
        builder.Services.AddGrpcClient<UserService.Grpc.UserService.UserServiceClient>(o => o.Address = new Uri("http://_grpc.userservice"));
        return builder;
    }
}
