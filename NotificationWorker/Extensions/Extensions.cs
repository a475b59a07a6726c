using DistributedTracing.NotificationWorker.Data;
using DistributedTracing.NotificationWorker.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistributedTracing.NotificationWorker.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("notificationsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:notificationsdb is not set.");
        builder.Services.AddDbContext<NotificationsDbContext>(options => options.UseNpgsql(connectionString,
            // A pooled connection broken by a database restart fails once; try again on a fresh one (briefly: callers wait).
            npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
        builder.Services.AddHostedService<NotificationsDbMigrator>();
        builder.Services.AddHealthChecks().AddCheck<NotificationsDbHealthCheck>("notificationsdb");

        // Bad retry settings stop the worker at start, with the reason, rather than at the first failure.
        builder.Services.AddOptions<RetryOptions>().BindConfiguration(RetryOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetryOptions>, RetryOptionsValidator>();

        // Health includes the broker connection and the consumer: /health fails while RabbitMQ is unreachable.
        builder.AddRabbitMqConnection("messaging");
        builder.Services.AddScoped<OrderPlacedHandler>();
        builder.Services.AddSingleton<OrderPlacedDelivery>();
        builder.Services.AddSingleton<FailedDeliveryPublisher>();
        builder.Services.AddSingleton<OrderPlacedConsumer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrderPlacedConsumer>());
        builder.Services.AddHealthChecks().AddCheck<ConsumerHealthCheck>("orders-consumer");
        builder.Services.AddGrpcClient<UserService.Grpc.UserService.UserServiceClient>(o => o.Address = new Uri("http://_grpc.userservice"));
        return builder;
    }
}
