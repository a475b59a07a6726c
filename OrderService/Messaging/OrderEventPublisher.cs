using System.Text.Json;
using DistributedTracing.Messaging;
using DistributedTracing.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace DistributedTracing.OrderService.Messaging;

/// <summary>
/// Publishes OrderPlaced: the one place OrderService sends messages (so a transactional outbox can take
/// its place later). Waits for the broker's confirm, so a returned call means the message is stored.
/// </summary>
public sealed class OrderEventPublisher(RabbitMqConnectionProvider connections) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(OrderPlaced orderPlaced, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(orderPlaced, OrderPlaced.Json);
        var properties = new BasicProperties
        {
            MessageId = Guid.NewGuid().ToString("N"),
            ContentType = "application/json",
            Type = nameof(OrderPlaced),
            DeliveryMode = DeliveryModes.Persistent,
        };

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await GetChannelAsync(cancellationToken);
            using var activity = RabbitMqTraceContext.StartPublish(OrderPlaced.Exchange, OrderPlaced.RoutingKey, properties, body.Length);
            try
            {
                await channel.BasicPublishAsync(OrderPlaced.Exchange, OrderPlaced.RoutingKey, mandatory: true, properties, body, cancellationToken);
            }
            catch (Exception ex)
            {
                RabbitMqTraceContext.RecordFailure(activity, ex);
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

        var connection = await connections.GetConnectionAsync(cancellationToken);
        _channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await OrderPlaced.DeclareTopologyAsync(_channel, cancellationToken);
        return _channel;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _gate.Dispose();
    }
}
