using DistributedTracing.Data;
using DistributedTracing.NotificationWorker.Data;
using DistributedTracing.NotificationWorker.Messaging;
using Microsoft.Extensions.Options;
using Polly;

namespace DistributedTracing.NotificationWorker.Extensions;

public static class Extensions
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Its health check (Aspire's) fails while notificationsdb is away: the worker keeps running and its
        // messages wait in the retry queues.
        builder.AddServiceDatabase<NotificationsDbContext>("notificationsdb");

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
