using System.Text.Json;
using RabbitMQ.Client;

namespace DistributedTracing.Messaging;

/// <summary>
/// The OrderPlaced event and where it travels. OrderService owns this file; NotificationWorker links it
/// (as clients include a server's .proto), so both sides declare the same topology.
/// </summary>
public sealed record OrderPlaced(long OrderId, long UserId, long TotalCents, DateTimeOffset PlacedAt)
{
    public const string Exchange = "orders";
    public const string RoutingKey = "order.placed";
    public const string Queue = "orders";
    public const string DeadLetterExchange = "orders.dead-letter";
    public const string DeadLetterQueue = "orders.dead-letter";

    /// <summary>Which attempt a delivery is (1-based); absent on the first. Set by the consumer when it schedules a retry.</summary>
    public const string DeliveryAttemptHeader = "x-delivery-attempt";

    /// <summary>The retry queue a message waits in after its attempt <paramref name="failedAttempt"/> failed.</summary>
    public static string RetryQueue(int failedAttempt) => $"orders.retry.{failedAttempt}";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Declares the exchange, the queue and its dead-letter exchange and queue. The queue carries its
    /// dead-letter argument from the first declaration: adding it to an existing durable queue later fails.
    /// </summary>
    public static async Task DeclareTopologyAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, "", cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Queue, Exchange, RoutingKey, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Declares the consumer's retry queue after attempt <paramref name="failedAttempt"/>: nothing consumes it; each
    /// message waits <paramref name="delay"/> (the queue's TTL, the same for all, so they expire in order) and is then
    /// dead-lettered back to the main exchange with its routing key, into <see cref="Queue"/> again. A queue's TTL is
    /// fixed when it is first declared: declaring it again with another delay fails (PRECONDITION_FAILED).
    /// </summary>
    public static async Task DeclareRetryQueueAsync(IChannel channel, int failedAttempt, TimeSpan delay, CancellationToken cancellationToken) =>
        await channel.QueueDeclareAsync(RetryQueue(failedAttempt), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                ["x-dead-letter-exchange"] = Exchange,
                ["x-dead-letter-routing-key"] = RoutingKey,
            },
            cancellationToken: cancellationToken);
}
