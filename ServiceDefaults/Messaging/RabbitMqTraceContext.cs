using System.Diagnostics;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DistributedTracing.ServiceDefaults.Messaging;

/// <summary>
/// Carries trace context across RabbitMQ, the way HTTP and gRPC instrumentation do for their calls:
/// the publisher writes traceparent, tracestate and baggage into the message's headers, and the consumer
/// reads them back and continues the same trace. This is the whole of it.
/// </summary>
public static class RabbitMqTraceContext
{
    // Whatever OpenTelemetry is configured with: W3C trace context and baggage by default.
    private static TextMapPropagator Propagator => Propagators.DefaultTextMapPropagator;

    static RabbitMqTraceContext()
    {
        // RabbitMQ.Client 7 has instrumentation of its own: when anything listens to its RabbitMQ.Client.*
        // sources it starts its own spans and writes their context over ours. This component owns the
        // headers, so the library's injection is switched off.
        RabbitMQActivitySource.ContextInjector = static (_, _) => { };
    }

    /// <summary>
    /// Starts the PRODUCER span "publish {destination}" and writes the context into <paramref name="properties"/>.
    /// Call it just before BasicPublishAsync; dispose the span after it returns. <paramref name="parent"/>: a stored
    /// context to continue (an outbox row's), else the current span is the parent.
    /// </summary>
    public static Activity? StartPublish(string exchange, string routingKey, BasicProperties properties, int bodySize, ActivityContext parent = default)
    {
        var destination = exchange.Length > 0 ? exchange : routingKey;
        var activity = MessagingTelemetry.Source.StartActivity($"publish {destination}", ActivityKind.Producer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTelemetry.System, "rabbitmq");
            activity.SetTag(MessagingTelemetry.DestinationName, destination);
            activity.SetTag(MessagingTelemetry.RoutingKey, routingKey);
            activity.SetTag(MessagingTelemetry.OperationType, "send");
            activity.SetTag(MessagingTelemetry.OperationName, "publish");
            activity.SetTag(MessagingTelemetry.MessageId, properties.MessageId);
            activity.SetTag(MessagingTelemetry.BodySize, bodySize);
        }

        // The context to send: this span's, or, when nothing records it, the caller's (so sampling
        // decisions still travel with the message).
        var context = activity?.Context ?? (parent != default ? parent : Activity.Current?.Context ?? default);
        properties.Headers ??= new Dictionary<string, object?>();
        Propagator.Inject(new PropagationContext(context, Baggage.Current), properties.Headers, static (headers, key, value) => headers[key] = value);
        return activity;
    }

    /// <summary>
    /// Reads the context from a delivered message and starts the CONSUMER span "process {queue}" as its
    /// child, with a link to it as well (the messaging conventions' way to tie a consumer to its producer
    /// even when a batch has many). A message without context, or with a malformed traceparent, starts a
    /// new trace: never an error.
    /// </summary>
    public static Activity? StartProcess(BasicDeliverEventArgs delivery, string queue)
    {
        var parent = Propagator.Extract(default, delivery.BasicProperties, static (properties, key) =>
            properties.Headers is not null && properties.Headers.TryGetValue(key, out var value) && HeaderText(value) is { } text
                ? [text]
                : []);
        Baggage.Current = parent.Baggage;

        var links = parent.ActivityContext != default ? new[] { new ActivityLink(parent.ActivityContext) } : null;
        var activity = MessagingTelemetry.Source.StartActivity($"process {queue}", ActivityKind.Consumer, parent.ActivityContext, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTelemetry.System, "rabbitmq");
            activity.SetTag(MessagingTelemetry.DestinationName, queue);
            activity.SetTag(MessagingTelemetry.RoutingKey, delivery.RoutingKey);
            activity.SetTag(MessagingTelemetry.OperationType, "process");
            activity.SetTag(MessagingTelemetry.OperationName, "process");
            activity.SetTag(MessagingTelemetry.MessageId, delivery.BasicProperties.MessageId);
            activity.SetTag(MessagingTelemetry.BodySize, delivery.Body.Length);
        }

        return activity;
    }

    /// <summary>Marks the span failed, the way OpenTelemetry's own instrumentation records exceptions.</summary>
    public static void RecordFailure(Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.AddException(exception);
    }

    // AMQP header values arrive as byte[] (how the broker stores strings), or as strings from some clients.
    private static string? HeaderText(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        _ => null,
    };
}
