using System.Diagnostics;
using DistributedTracing.OrderService.Data;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace DistributedTracing.OrderService.Outbox;

/// <summary>
/// Carries trace context across the outbox table, as message headers carry it across RabbitMQ: the request
/// writes its traceparent, tracestate and baggage into the row beside the message, and the relay reads them
/// back, so its publish span is a child of the PlaceOrder call even when the message waited minutes for the
/// broker. The same propagators as every other hop, so the stored text is exactly what a header would carry.
/// </summary>
public static class OutboxTraceContext
{
    // Whatever OpenTelemetry is configured with: W3C trace context and baggage by default.
    private static TextMapPropagator Propagator => Propagators.DefaultTextMapPropagator;

    /// <summary>Stores the current span's context (PlaceOrder's server span) and the baggage it received.</summary>
    public static void Capture(OutboxMessage message)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Propagator.Inject(new PropagationContext(Activity.Current?.Context ?? default, Baggage.Current), fields,
            static (carrier, key, value) => carrier[key] = value);
        message.TraceParent = fields.GetValueOrDefault("traceparent");
        message.TraceState = fields.GetValueOrDefault("tracestate");
        message.Baggage = fields.GetValueOrDefault("baggage");
    }

    /// <summary>The stored context (remote, as if it had arrived in headers); empty when the row has none.</summary>
    public static PropagationContext Restore(OutboxMessage message) =>
        Propagator.Extract(default, message, static (row, key) => key switch
        {
            "traceparent" => row.TraceParent,
            "tracestate" => row.TraceState,
            "baggage" => row.Baggage,
            _ => null,
        } is { } value ? [value] : []);
}
