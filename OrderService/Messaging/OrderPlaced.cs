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
}
