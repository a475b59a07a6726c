using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// Each queue's ready messages, from a passive declare (it asks about a queue without creating it): the
/// named queues, then the retry queues <c>{retryPrefix}1</c>, <c>2</c>, … up to the first that does not exist.
/// A queue that does not exist yet (its topology is declared by the services) is left out.
/// </summary>
public sealed class QueueDepthReader(IReadOnlyList<string> queues, string retryPrefix) : IResourceFigureReader
{
    public const string Gauge = "rabbitmq.queue.messages";
    public const string PropertyPrefix = "queue.";

    /// <summary>Enough for any retry policy worth having; a bound on the questions asked each second.</summary>
    private const int MaxRetryQueues = 32;

    private string? _connectionString;
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task<IReadOnlyList<ResourceFigure>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var figures = new List<ResourceFigure>();
            foreach (var queue in queues)
            {
                if (await CountAsync(connectionString, queue, cancellationToken) is { } count)
                {
                    figures.Add(Figure(queue, count));
                }
            }

            for (var attempt = 1; attempt <= MaxRetryQueues; attempt++)
            {
                var queue = retryPrefix + attempt;
                if (await CountAsync(connectionString, queue, cancellationToken) is not { } count)
                {
                    break;
                }

                figures.Add(Figure(queue, count));
            }

            return figures;
        }
        catch
        {
            // Whatever broke (the node went away, a timeout), the next read starts on a fresh connection.
            await CloseAsync();
            throw;
        }
    }

    public static ResourceFigure Figure(string queue, long count) =>
        new(PropertyPrefix + queue, count, Gauge, new KeyValuePair<string, object?>("messaging.destination.name", queue));

    private async Task<uint?> CountAsync(string connectionString, string queue, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(connectionString, cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            // NOT_FOUND closes the channel (AMQP's way of answering "no such queue"): the next question gets a new one.
            _channel = null;
            await channel.DisposeAsync();
            return null;
        }
    }

    private async Task<IChannel> ChannelAsync(string connectionString, CancellationToken cancellationToken)
    {
        if (_connectionString != connectionString)
        {
            await CloseAsync();
            _connectionString = connectionString;
        }

        if (_connection is not { IsOpen: true })
        {
            await CloseAsync();
            _connectionString = connectionString;
            _connection = await new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                // This reader reconnects at its next read; the client's own recovery would retry in the background.
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ContinuationTimeout = TimeSpan.FromSeconds(3),
            }.CreateConnectionAsync("apphost-queue-depths", cancellationToken);
        }

        if (_channel is not { IsOpen: true })
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }

            _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        }

        return _channel;
    }

    private async Task CloseAsync()
    {
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection, _connectionString) = (null, null, null);
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // A connection that is already broken may fail to close; it is dropped either way.
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
