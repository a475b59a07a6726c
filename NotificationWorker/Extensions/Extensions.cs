using DistributedTracing.NotificationWorker.Data;
using DistributedTracing.NotificationWorker.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;

namespace DistributedTracing.NotificationWorker.Extensions;

public static class Extensions
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("notificationsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:notificationsdb is not set.");
        // At most 30 connections from this service: three services share one PostgreSQL (100 connections by
        // default), and a burst of slow requests must queue here for a connection, not take the server's last ones.
        var connectionString = new NpgsqlConnectionStringBuilder(configured) { MaxPoolSize = 30 }.ConnectionString;
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
#pragma warning disable EXTEXP0001
        builder.Services.AddGrpcClient<UserService.Grpc.UserService.UserServiceClient>(o => o.Address = new Uri("http://_grpc.userservice"))
            // The worker retries a failed message itself, after a delay, through its retry queues. HTTP retries
            // underneath would multiply each attempt (a retry storm against a struggling UserService) and stretch it
            // from a moment to some 15 s: only a timeout is kept. (RemoveAllResilienceHandlers is marked for
            // evaluation; it is the library's own way to take back what ConfigureHttpClientDefaults added.)
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("userservice-attempt", pipeline => pipeline.AddTimeout(AttemptTimeout));
#pragma warning restore EXTEXP0001
        return builder;
    }
}
