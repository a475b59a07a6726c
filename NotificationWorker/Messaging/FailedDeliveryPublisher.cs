using DistributedTracing.Messaging;
using DistributedTracing.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>
/// Sends a copy of a failed delivery on: to a retry queue, or to the dead-letter exchange. Each publish waits
/// for the broker's confirm (and is returned if nothing would store it), so the consumer acks the original
/// only once the copy is safe. Its own channel: the consumer's carries no confirms.
/// </summary>
public sealed class FailedDeliveryPublisher(RabbitMqConnectionProvider connections) : IAsyncDisposable
{
    public const int ReasonMaxLength = 256;

    // A broker that blocks publishers (memory or disk alarm) would hold the publish forever.
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    /// <summary>Into <c>orders.retry.{failedAttempt}</c>, marked as attempt failedAttempt + 1.</summary>
    public Task PublishRetryAsync(BasicDeliverEventArgs delivery, int failedAttempt, CancellationToken cancellationToken) =>
        PublishAsync("", OrderPlaced.RetryQueue(failedAttempt), delivery,
            new Dictionary<string, object?> { [OrderPlaced.DeliveryAttemptHeader] = failedAttempt + 1 }, cancellationToken);

    /// <summary>To the dead-letter exchange, with why (<paramref name="kind"/>: poison or retries-exhausted).</summary>
    public Task PublishDeadLetterAsync(BasicDeliverEventArgs delivery, int attempt, string kind, string reason, CancellationToken cancellationToken) =>
        PublishAsync(OrderPlaced.DeadLetterExchange, "", delivery, new Dictionary<string, object?>
        {
            [OrderPlaced.DeliveryAttemptHeader] = attempt,
            [DeadLetterHeaders.Kind] = kind,
            [DeadLetterHeaders.Reason] = Truncate(reason),
        }, cancellationToken);

    public static string Truncate(string reason) => reason.Length <= ReasonMaxLength ? reason : reason[..(ReasonMaxLength - 1)] + "…";

    private async Task PublishAsync(string exchange, string routingKey, BasicDeliverEventArgs delivery,
        IReadOnlyDictionary<string, object?> headers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        var properties = DeliveryHeaders.Forward(delivery.BasicProperties, headers);
        var channel = await GetChannelAsync(timeout.Token);
        // mandatory: a copy no queue would take comes back as an error instead of vanishing.
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, delivery.Body, timeout.Token);
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // An automatically recovering channel stays usable across broker restarts; one the broker closed
            // for an error of its own (a channel-level exception) does not, and is replaced.
            if (_channel is not { IsOpen: true })
            {
                if (_channel is not null)
                {
                    await _channel.DisposeAsync();
                }

                var connection = await connections.GetConnectionAsync(cancellationToken);
                _channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            }

            return _channel;
        }
        finally
        {
            _gate.Release();
        }
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
