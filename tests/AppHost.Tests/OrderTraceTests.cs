using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Aspire.Hosting.Testing;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RabbitMQ.Client;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The whole app on real Postgres and RabbitMQ: one order is one trace across gateway, orderservice,
/// userservice and notificationworker, its context crossing HTTP headers, gRPC metadata and AMQP headers.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class OrderTraceTests(SharedAppFixture fixture)
{
    private TestApp App => fixture.App;

    private static readonly object OrderBody = new { userId = 1, items = new[] { new { sku = "book-ddia", quantity = 2, unitPrice = 9.99m } } };

    [Fact]
    public async Task An_order_is_one_tree_across_four_services_with_each_carrier()
    {
        // A caller with its own tracer, exporting to the Lab as the services do: its CLIENT span is the root,
        // and the first hop is HTTP.
        var otlpApiKey = App.LabOtlpApiKey;
        using var source = new ActivitySource("E2E.Client");
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("e2e-client"))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = App.App.GetEndpoint("tracelab", "otlp-grpc");
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Headers = $"x-otlp-api-key={otlpApiKey}";
            })
            .Build();

        string traceId;
        using (var client = source.StartActivity("POST", ActivityKind.Client)!)
        {
            client.SetTag("http.request.method", "POST");
            traceId = client.TraceId.ToHexString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(OrderBody) };
            // W3C baggage goes along in its own header; every service records what it received.
            var baggage = Baggage.Create(new Dictionary<string, string> { ["e2e.session"] = "session-42" });
            new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()])
                .Inject(new PropagationContext(client.Context, baggage), request.Headers, (headers, key, value) => headers.Add(key, value));
            using var response = await App.Gateway.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(traceId, JsonHelpers.TraceIdOf(response));
        }

        Assert.True(tracing.ForceFlush(10_000));

        var trace = await App.WaitForOrderTraceAsync(traceId);

        var spans = trace["spans"].Items().ToList();
        var services = spans.Select(s => s["service"].Str()).ToHashSet();
        Assert.Superset(new HashSet<string> { "e2e-client", "gateway", "orderservice", "userservice", "notificationworker" }, services);
        Assert.Single(spans, s => s["depth"]!.GetValue<int>() == 0); // one tree: no extra roots
        Assert.All(spans, s => Assert.False(s["parentNotReceived"]!.GetValue<bool>()));

        var hops = trace["hops"].Items().Select(h => $"{h["fromService"].Str()}->{h["toService"].Str()}:{h["carrier"].Str()}").ToList();
        Assert.Contains("e2e-client->gateway:http", hops);
        Assert.Contains("gateway->orderservice:grpc", hops);
        Assert.Contains("orderservice->userservice:grpc", hops);
        Assert.Contains("orderservice->notificationworker:messaging", hops);
        Assert.Contains("notificationworker->userservice:grpc", hops);
        Assert.Equal("RabbitMQ message headers", trace["hops"].Items().First(h => h["carrier"].Str() == "messaging")["carrierLabel"].Str());

        // The baggage crossed every hop (HTTP headers, gRPC metadata, message headers) beside traceparent.
        Assert.All(trace["hops"].Items(), hop => Assert.Equal(
            "e2e.session=session-42",
            string.Join(",", hop["context"]!["baggage"]!.AsArray().Select(b => $"{b!["key"].Str()}={b["value"].Str()}"))));

        // The consumer is a child of the producer, and links to it.
        var producer = spans.Single(s => s["kind"].Str() == "producer");
        var consumer = spans.Single(s => s["kind"].Str() == "consumer");
        Assert.Equal("publish orders", producer["name"].Str());
        Assert.Equal("process orders", consumer["name"].Str());
        Assert.Equal(producer["spanId"].Str(), consumer["parentSpanId"].Str());
        Assert.Equal(producer["spanId"].Str(), consumer["links"]![0]!["spanId"].Str());
        Assert.Equal("rabbitmq", consumer.Attribute("messaging.system"));

        // Database spans sit under the service that made them.
        var byId = spans.ToDictionary(s => s["spanId"].Str());
        var databaseSpans = spans.Where(JsonHelpers.IsDatabaseSpan).ToList();
        Assert.Contains(databaseSpans, s => s["service"].Str() == "orderservice");
        Assert.Contains(databaseSpans, s => s["service"].Str() == "userservice");
        Assert.Contains(databaseSpans, s => s["service"].Str() == "notificationworker");
        Assert.All(databaseSpans, db => Assert.Equal(db["service"].Str(), byId[db["parentSpanId"].Str()]["service"].Str()));
    }

    [Fact]
    public async Task A_published_message_carries_traceparent_in_its_headers()
    {
        // A queue of the test's own, bound like the worker's, receives a copy of every OrderPlaced.
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "orders", "order.placed");

        using var response = await App.Gateway.PostAsJsonAsync("/api/orders", OrderBody);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var traceId = JsonHelpers.TraceIdOf(response);

        BasicGetResult? message = null;
        for (var i = 0; i < 50 && message is null; i++)
        {
            message = await channel.BasicGetAsync(queue, autoAck: true);
            if (message is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(message);
        var traceparent = Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["traceparent"]!);
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-01$", traceparent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00-not-a-valid-traceparent-01")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("garbage")]
    public async Task A_missing_or_malformed_traceparent_starts_a_fresh_trace_at_the_gateway(string? traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(OrderBody) };
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        using var response = await App.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var traceId = JsonHelpers.TraceIdOf(response);
        Assert.NotEqual(new string('0', 32), traceId);

        var trace = await App.WaitForOrderTraceAsync(traceId);
        var root = trace["spans"]![0]!;
        Assert.Equal("gateway", root["service"].Str());
        Assert.Equal("server", root["kind"].Str());
        Assert.Null(root["parentSpanId"]);
        Assert.Single(trace["spans"].Items(), s => s["depth"]!.GetValue<int>() == 0);
    }

    [Theory]
    [InlineData("not-a-traceparent")]
    [InlineData(null)]
    public async Task A_message_with_a_malformed_or_missing_traceparent_is_processed_in_a_fresh_trace(string? traceparent)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messageId = Guid.NewGuid().ToString("N");
        var properties = new BasicProperties { MessageId = messageId, ContentType = "application/json", Headers = new Dictionary<string, object?>() };
        if (traceparent is not null)
        {
            properties.Headers["traceparent"] = Encoding.UTF8.GetBytes(traceparent);
        }

        var body = Encoding.UTF8.GetBytes($$"""{"orderId":{{Random.Shared.Next(100_000, 900_000)}},"userId":2,"totalCents":500,"placedAt":"2026-01-01T00:00:00Z"}""");
        await channel.BasicPublishAsync("orders", "order.placed", mandatory: false, properties, body);

        var list = await App.WaitForLabAsync("/api/traces?service=notificationworker&attribute=" + Uri.EscapeDataString($"messaging.message.id={messageId}"),
            l => l["total"]!.GetValue<int>() == 1 && l["items"]![0]!["spanCount"]!.GetValue<int>() >= 4);
        var summary = list["items"]![0]!;
        Assert.Equal("notificationworker: process orders", summary["name"].Str());
        Assert.True(summary["rootReceived"]!.GetValue<bool>());
        Assert.False(summary["hasError"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_message_the_worker_cannot_parse_is_dead_lettered_with_an_error_span()
    {
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messageId = Guid.NewGuid().ToString("N");
        await channel.BasicPublishAsync("orders", "order.placed", mandatory: false, new BasicProperties { MessageId = messageId }, Encoding.UTF8.GetBytes("{ this is not json"));

        BasicGetResult? dead = null;
        for (var i = 0; i < 100 && dead?.BasicProperties.MessageId != messageId; i++)
        {
            dead = await channel.BasicGetAsync("orders.dead-letter", autoAck: true);
            if (dead is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(messageId, dead?.BasicProperties.MessageId);
        var list = await App.WaitForLabAsync("/api/traces?errorsOnly=true&attribute=" + Uri.EscapeDataString($"messaging.message.id={messageId}"),
            l => l["total"]!.GetValue<int>() == 1);
        Assert.Equal("notificationworker: process orders", list["items"]![0]!["name"].Str());
    }
}
