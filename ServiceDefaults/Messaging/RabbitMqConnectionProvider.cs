using RabbitMQ.Client;

namespace DistributedTracing.ServiceDefaults.Messaging;

/// <summary>
/// One AMQP connection per process, opened on first use from ConnectionStrings:{name} (the role of Aspire's
/// RabbitMQ client integration). A first connection that fails is tried again on the next call; once open,
/// the client library reconnects by itself after a broker restart, with the channels, the queues and bindings
/// they declared, and their consumers.
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
                    // The default is 5 s: a restarted broker would wait that long for its clients.
                    NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
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
