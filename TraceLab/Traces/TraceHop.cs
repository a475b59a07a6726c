using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Traces;

/// <summary>How trace context crossed from one service to another.</summary>
public enum HopCarrier
{
    Unknown,
    HttpHeaders,
    GrpcMetadata,
    MessageHeaders,
}

/// <summary>
/// A parent-to-child edge whose spans belong to different services: the place where trace context
/// left one process and entered another, and what carried it.
/// </summary>
public sealed record TraceHop(
    SpanRecord Parent,
    SpanRecord Child,
    HopCarrier Carrier,
    string CarrierLabel,
    string? MessagingSystem)
{
    public static TraceHop Create(TraceNode parentNode, TraceNode childNode)
    {
        var parent = parentNode.Span;
        var child = childNode.Span;

        var messagingSystem = child.FindAttribute("messaging.system") ?? parent.FindAttribute("messaging.system");
        if (messagingSystem is not null && (parent.Kind == SpanKind.Producer || child.Kind == SpanKind.Consumer))
        {
            return new TraceHop(parent, child, HopCarrier.MessageHeaders, $"{MessagingSystemName(messagingSystem)} message headers", messagingSystem);
        }

        // In .NET a gRPC call is a gRPC client span over an HTTP/2 client span, and the HTTP/2 span is the
        // parent the server sees: so ask the server, the parent, and the parent's own parent in its service.
        var grandparent = parentNode.Parent?.Span;
        if (IsGrpc(child) || IsGrpc(parent) ||
            (grandparent is not null && grandparent.ServiceName == parent.ServiceName && IsGrpc(grandparent)))
        {
            return new TraceHop(parent, child, HopCarrier.GrpcMetadata, "gRPC metadata", null);
        }

        if (IsHttp(parent) || IsHttp(child))
        {
            return new TraceHop(parent, child, HopCarrier.HttpHeaders, "HTTP headers", null);
        }

        return new TraceHop(parent, child, HopCarrier.Unknown, "unrecognised carrier", null);
    }

    private static bool IsGrpc(SpanRecord span) =>
        span.FindAttribute("rpc.system") == "grpc" || span.FindAttribute("rpc.system.name") == "grpc";

    private static bool IsHttp(SpanRecord span) =>
        span.FindAttribute("http.request.method") is not null || span.FindAttribute("http.method") is not null;

    /// <summary>Display names for the messaging.system values of the semantic conventions.</summary>
    public static string MessagingSystemName(string system) => system switch
    {
        "rabbitmq" => "RabbitMQ",
        "kafka" => "Kafka",
        "activemq" => "ActiveMQ",
        "aws_sqs" => "Amazon SQS",
        "servicebus" => "Azure Service Bus",
        "eventhubs" => "Azure Event Hubs",
        "gcp_pubsub" => "Google Pub/Sub",
        "rocketmq" => "RocketMQ",
        "pulsar" => "Pulsar",
        "jms" => "JMS",
        _ => system,
    };

    public static string CarrierName(HopCarrier carrier) => carrier switch
    {
        HopCarrier.HttpHeaders => "http",
        HopCarrier.GrpcMetadata => "grpc",
        HopCarrier.MessageHeaders => "messaging",
        _ => "unknown",
    };
}
