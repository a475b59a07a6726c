using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// One checkout across four services, each with its own tracer provider and exporter, the context
/// crossing by real W3C propagation (inject into a carrier, extract on the other side):
/// <code>
/// frontend  GET /checkout                SERVER
/// frontend  └ POST                       CLIENT  ── HTTP ──►
/// backend     └ POST /pay                SERVER
/// backend       ├ charge card            INTERNAL (error, event "retry", a warning log)
/// backend       ├ payments.Ledger/Record CLIENT (rpc.system=grpc)
/// backend       │ └ POST                 CLIENT (HTTP/2) ── gRPC ──►
/// ledger        │   └ payments.Ledger/Record SERVER (says nothing of gRPC itself)
/// backend       └ publish orders         PRODUCER ── RabbitMQ ──►
/// worker          └ process orders       CONSUMER (and a link to the producer)
/// </code>
/// </summary>
public sealed class CheckoutScenario
{

    private static readonly TextMapPropagator Propagator = new TraceContextPropagator();

    public required string TraceId { get; init; }

    public required string ProducerSpanId { get; init; }

    public required string ConsumerSpanId { get; init; }

    public required string ChargeSpanId { get; init; }

    public static CheckoutScenario Run(TraceLabServer server, OtlpExportProtocol protocol)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var frontendSource = new ActivitySource("Test.Frontend." + suffix);
        using var backendSource = new ActivitySource("Test.Backend." + suffix);
        using var ledgerSource = new ActivitySource("Test.Ledger." + suffix);
        using var workerSource = new ActivitySource("Test.Worker." + suffix);
        // A meter of its own per run: scenarios run in parallel, and a meter provider listens by name.
        using var meter = new Meter("Test.Checkout." + suffix);
        var ordersPlaced = meter.CreateCounter<long>("orders.placed");
        var paymentDuration = meter.CreateHistogram<double>("payment.duration", unit: "ms");

        using var frontend = OtlpPipelines.Traces(server, protocol, "frontend", frontendSource.Name);
        using var backend = OtlpPipelines.Traces(server, protocol, "backend", backendSource.Name);
        using var ledger = OtlpPipelines.Traces(server, protocol, "ledger", ledgerSource.Name);
        using var worker = OtlpPipelines.Traces(server, protocol, "worker", workerSource.Name);
        using var metrics = OtlpPipelines.Metrics(server, protocol, "backend", meter.Name);

        string traceId, producerSpanId, consumerSpanId, chargeSpanId;
        using (var logs = OtlpPipelines.Logs(server, protocol, "backend"))
        {
            var logger = logs.CreateLogger("Checkout");
            using var root = frontendSource.StartActivity("GET /checkout", ActivityKind.Server)!;
            root.SetTag("http.request.method", "GET");
            root.SetTag("http.route", "/checkout");
            traceId = root.TraceId.ToHexString();

            using (var httpClient = frontendSource.StartActivity("POST", ActivityKind.Client)!)
            {
                httpClient.SetTag("http.request.method", "POST");
                httpClient.SetTag("url.full", "http://backend/pay");
                var httpHeaders = Inject(httpClient);
                Activity.Current = null; // crossing a process boundary: only the carrier goes along

                using (var payServer = backendSource.StartActivity("POST /pay", ActivityKind.Server, Extract(httpHeaders))!)
                {
                    payServer.SetTag("http.request.method", "POST");
                    payServer.SetTag("http.response.status_code", 200);

                    using (var charge = backendSource.StartActivity("charge card", ActivityKind.Internal)!)
                    {
                        chargeSpanId = charge.SpanId.ToHexString();
                        charge.SetTag("payment.amount", 42.5);
                        charge.SetTag("payment.attempts", 2);
                        charge.SetTag("payment.cards", new[] { "visa", "amex" });
                        charge.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = 1 }));
                        charge.SetStatus(ActivityStatusCode.Error, "card declined");
                        logger.LogWarning("Card declined for order {OrderId}", 1234);
                        paymentDuration.Record(12.5);
                    }

                    using (var grpcClient = backendSource.StartActivity("payments.Ledger/Record", ActivityKind.Client)!)
                    {
                        grpcClient.SetTag("rpc.system", "grpc");
                        grpcClient.SetTag("rpc.service", "payments.Ledger");
                        using var http2 = backendSource.StartActivity("POST", ActivityKind.Client)!;
                        http2.SetTag("http.request.method", "POST");
                        var metadata = Inject(http2);
                        var backendCurrent = Activity.Current;
                        Activity.Current = null;
                        using (var ledgerServer = ledgerSource.StartActivity("payments.Ledger/Record", ActivityKind.Server, Extract(metadata))!)
                        {
                            ledgerServer.SetTag("http.request.method", "POST");
                        }

                        Activity.Current = backendCurrent;
                    }

                    Dictionary<string, string> messageHeaders;
                    using (var publish = backendSource.StartActivity("publish orders", ActivityKind.Producer)!)
                    {
                        producerSpanId = publish.SpanId.ToHexString();
                        publish.SetTag("messaging.system", "rabbitmq");
                        publish.SetTag("messaging.destination.name", "orders");
                        publish.SetTag("messaging.operation.type", "send");
                        messageHeaders = Inject(publish);
                        ordersPlaced.Add(3);
                    }

                    var producerContext = Extract(messageHeaders);
                    var backendActivity = Activity.Current;
                    Activity.Current = null;
                    using (var process = workerSource.StartActivity("process orders", ActivityKind.Consumer, producerContext, links: [new ActivityLink(producerContext)])!)
                    {
                        consumerSpanId = process.SpanId.ToHexString();
                        process.SetTag("messaging.system", "rabbitmq");
                        process.SetTag("messaging.destination.name", "orders");
                        process.SetTag("messaging.operation.type", "process");
                        // What ServiceDefaults' ReceivedBaggageProcessor records for baggage that arrived with the message.
                        process.SetTag("baggage.checkout.id", "c-1234");
                    }

                    Activity.Current = backendActivity;
                }
            }

            logger.LogInformation("Checkout finished");
        }

        foreach (var provider in new[] { frontend, backend, ledger, worker })
        {
            Assert.True(provider.ForceFlush(10_000), "the OTLP exporter did not flush");
        }

        Assert.True(metrics.ForceFlush(10_000), "the OTLP metric exporter did not flush");

        return new CheckoutScenario
        {
            TraceId = traceId,
            ProducerSpanId = producerSpanId,
            ConsumerSpanId = consumerSpanId,
            ChargeSpanId = chargeSpanId,
        };
    }

    private static Dictionary<string, string> Inject(Activity activity)
    {
        var carrier = new Dictionary<string, string>();
        Propagator.Inject(new PropagationContext(activity.Context, Baggage.Current), carrier, (c, key, value) => c[key] = value);
        return carrier;
    }

    private static ActivityContext Extract(Dictionary<string, string> carrier) =>
        Propagator.Extract(default, carrier, (c, key) => c.TryGetValue(key, out var value) ? [value] : []).ActivityContext;
}
