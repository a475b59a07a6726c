using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// Each queue's ready messages, from a passive declare (it asks about a queue without creating it): the
/// named queues, then the retry queues <c>{retryPrefix}1</c>, <c>2</c>, … up to the first that does not exist.
/// A queue that does not exist yet (the services declare their topology) is left out. The broker logs every
/// NOT_FOUND as a channel error, so missing queues are asked about again only now and then, less often the
/// longer nothing new turns up; the queues known to exist are read every time.
/// </summary>
public sealed class QueueDepthReader(IReadOnlyList<string> queues, string retryPrefix) : IResourceFigureReader
{
    public const string Gauge = "rabbitmq.queue.messages";
    public const string PropertyPrefix = "queue.";

    /// <summary>Enough for any retry policy worth having; a bound on the questions asked each second.</summary>
    private const int MaxRetryQueues = 32;
    private static readonly TimeSpan FirstSearchDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxSearchDelay = TimeSpan.FromMinutes(1);

    private string? _connectionString;
    private IConnection? _connection;
    private IChannel? _channel;
    private readonly HashSet<string> _found = [];
    private int _retryQueues;
    private DateTimeOffset _nextSearch;
    private TimeSpan _searchDelay = FirstSearchDelay;

    public async Task<IReadOnlyList<ResourceFigure>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var search = DateTimeOffset.UtcNow >= _nextSearch;
            var foundBefore = (_found.Count, _retryQueues);
            var figures = new List<ResourceFigure>();
            foreach (var queue in queues.Where(q => search || _found.Contains(q)))
            {
                if (await CountAsync(connectionString, queue, cancellationToken) is { } count)
                {
                    figures.Add(Figure(queue, count));
                }
            }

            var retryQueues = 0;
            for (var attempt = 1; attempt <= (search ? MaxRetryQueues : _retryQueues); attempt++)
            {
                var queue = retryPrefix + attempt;
                if (await CountAsync(connectionString, queue, cancellationToken) is not { } count)
                {
                    break;
                }

                figures.Add(Figure(queue, count));
                retryQueues = attempt;
            }

            _retryQueues = retryQueues;
            if (search)
            {
                // Something new: look again soon (the rest of a topology follows); nothing: wait longer each time.
                _searchDelay = (_found.Count, _retryQueues) != foundBefore ? FirstSearchDelay : TimeSpan.FromTicks(Math.Min(_searchDelay.Ticks * 2, MaxSearchDelay.Ticks));
                _nextSearch = DateTimeOffset.UtcNow + _searchDelay;
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
            var count = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            _found.Add(queue);
            return count;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            // NOT_FOUND closes the channel (AMQP's way of answering "no such queue"): the next question gets a new one.
            _found.Remove(queue);
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
            (_nextSearch, _searchDelay) = (DateTimeOffset.MinValue, FirstSearchDelay);
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
