using System.Diagnostics;

namespace DistributedTracing.ServiceDefaults.Messaging;

/// <summary>The ActivitySource of the messaging spans, and the semantic-convention attribute names they use.</summary>
public static class MessagingTelemetry
{
    public const string SourceName = "DistributedTracing.Messaging";

    public static readonly ActivitySource Source = new(SourceName);

    public const string System = "messaging.system";
    public const string DestinationName = "messaging.destination.name";
    public const string RoutingKey = "messaging.rabbitmq.destination.routing_key";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string MessageId = "messaging.message.id";
    public const string BodySize = "messaging.message.body.size";
}
