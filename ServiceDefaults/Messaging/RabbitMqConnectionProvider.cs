using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Microsoft.Extensions.Hosting.Messaging;

/// <summary>
/// One AMQP connection per process, opened on first use from ConnectionStrings:{name} (the role of Aspire's
/// RabbitMQ client integration). The client library reconnects by itself after a broker restart.
/// </summary>
public sealed class RabbitMqConnectionProvider(string connectionString, string clientName) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public bool IsOpen => _connection?.IsOpen ?? false;

    public async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                var factory = new ConnectionFactory
                {
                    Uri = new Uri(connectionString),
                    ClientProvidedName = clientName,
                    AutomaticRecoveryEnabled = true,
                    TopologyRecoveryEnabled = true,
                };
                _connection = await factory.CreateConnectionAsync(cancellationToken);
            }

            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}

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
