using DistributedTracing.NotificationWorker.Data;
using DistributedTracing.NotificationWorker.Messaging;
using Microsoft.EntityFrameworkCore;

namespace DistributedTracing.NotificationWorker.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("notificationsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:notificationsdb is not set.");
        builder.Services.AddDbContext<NotificationsDbContext>(options => options.UseNpgsql(connectionString));
        builder.Services.AddHostedService<NotificationsDbMigrator>();

        // Health includes the broker connection: /health fails while RabbitMQ is unreachable.
        builder.AddRabbitMqConnection("messaging");
        builder.Services.AddHostedService<OrderPlacedConsumer>();
        builder.Services.AddGrpcClient<UserService.Grpc.UserService.UserServiceClient>(o => o.Address = new Uri("http://_grpc.userservice"));
        return builder;
    }
}
