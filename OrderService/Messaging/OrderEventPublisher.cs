using DistributedTracing.Messaging;
using DistributedTracing.OrderService.Data;
using DistributedTracing.OrderService.Outbox;
using DistributedTracing.ServiceDefaults.Messaging;
using OpenTelemetry;
using RabbitMQ.Client;

namespace DistributedTracing.OrderService.Messaging;

/// <summary>
/// Publishes an outbox row's message: the one place OrderService sends messages, called by the outbox relay
/// only. Waits for the broker's confirm, so a returned call means the message is stored. The publish span
/// continues the trace stored in the row, and the row's baggage goes into the message headers with it.
/// </summary>
public sealed class OrderEventPublisher(RabbitMqConnectionProvider connections) : IAsyncDisposable
{
    // A broker that accepts the connection but never confirms (a memory alarm blocks publishers) must not hold the relay.
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;
    private IConnection? _watchedConnection;
    private TaskCompletionSource _brokerBack = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes when RabbitMQ.Client's automatic recovery has the connection back after a loss: the relay
    /// then publishes at once instead of sitting out the rest of its backoff. A new task after each recovery.
    /// </summary>
    public Task BrokerBack => Volatile.Read(ref _brokerBack).Task;

    public async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            // The row's id: a redelivery after a crash between confirm and mark carries the same id.
            MessageId = message.Id.ToString("N"),
            ContentType = "application/json",
            Type = message.MessageType,
            DeliveryMode = DeliveryModes.Persistent,
        };
        var stored = OutboxTraceContext.Restore(message);
        Baggage.Current = stored.Baggage;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await GetChannelAsync(cancellationToken);
            using var activity = RabbitMqTraceContext.StartPublish(OrderPlaced.Exchange, OrderPlaced.RoutingKey, properties, message.Body.Length, stored.ActivityContext);
            try
            {
                using var confirm = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                confirm.CancelAfter(ConfirmTimeout);
                await channel.BasicPublishAsync(OrderPlaced.Exchange, OrderPlaced.RoutingKey, mandatory: true, properties, message.Body, confirm.Token);
                OutboxTelemetry.RecordPublished(activity, message, DateTimeOffset.UtcNow);
            }
            catch (Exception ex)
            {
                RabbitMqTraceContext.RecordFailure(activity, ex);
                await CloseChannelAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await CloseChannelAsync();
        var connection = await connections.GetConnectionAsync(cancellationToken);
        if (!ReferenceEquals(_watchedConnection, connection))
        {
            connection.RecoverySucceededAsync += (_, _) =>
            {
                Interlocked.Exchange(ref _brokerBack, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                return Task.CompletedTask;
            };
            _watchedConnection = connection;
        }

        _channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await OrderPlaced.DeclareTopologyAsync(_channel, cancellationToken);
        return _channel;
    }

    // After a failed publish the channel's state is unknown (a confirm may still be due): the next publish opens a new one.
    private async Task CloseChannelAsync()
    {
        if (_channel is not null)
        {
            try
            {
                await _channel.DisposeAsync();
            }
            catch (Exception)
            {
                // Closing a channel of a lost connection can fail; it is gone either way.
            }

            _channel = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseChannelAsync();
        _gate.Dispose();
    }
}
