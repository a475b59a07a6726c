using DistributedTracing.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class RabbitMqConnectionExtensions
{
    /// <summary>Registers the connection for ConnectionStrings:{name} and a health check that it is open.</summary>
    public static TBuilder AddRabbitMqConnection<TBuilder>(this TBuilder builder, string name)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not set.");
        builder.Services.AddSingleton(new RabbitMqConnectionProvider(connectionString, builder.Environment.ApplicationName));
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>(name);
        return builder;
    }

    private sealed class RabbitMqHealthCheck(RabbitMqConnectionProvider provider) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connection = await provider.GetConnectionAsync(cancellationToken);
                return connection.IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the AMQP connection is closed");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("cannot connect to RabbitMQ", ex);
            }
        }
    }
}
