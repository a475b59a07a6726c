using System.Diagnostics;
using System.Text;
using Aspire.Hosting.Testing;
using DistributedTracing.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DistributedTracing.AppHost.Tests;

/// <summary>ServiceDefaults' messaging component on its own: reading the context from message headers.</summary>
public sealed class RabbitMqTraceContextTests : IDisposable
{
    private readonly ActivityListener _listener = RabbitMqListening.Everything();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Header_values_are_read_as_bytes_or_strings(bool asBytes)
    {
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var properties = new BasicProperties
        {
            Headers = new Dictionary<string, object?> { ["traceparent"] = asBytes ? Encoding.UTF8.GetBytes(traceparent) : traceparent },
        };
        var delivery = new BasicDeliverEventArgs("test", 1, false, "orders", "order.placed", properties, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        using var process = RabbitMqTraceContext.StartProcess(delivery, "orders")!;
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", process.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", process.ParentSpanId.ToHexString());
    }

    [Fact]
    public void Publishing_writes_traceparent_and_baggage_into_the_headers()
    {
        var previous = OpenTelemetry.Baggage.Current;
        OpenTelemetry.Baggage.SetBaggage("e2e.session", "session-7");
        try
        {
            var properties = new BasicProperties();
            using (var publish = RabbitMqTraceContext.StartPublish("orders", "order.placed", properties, 2)!)
            {
                Assert.Equal(ActivityKind.Producer, publish.Kind);
                Assert.Equal($"00-{publish.TraceId.ToHexString()}-{publish.SpanId.ToHexString()}-01", HeaderText(properties, "traceparent"));
            }

            Assert.Equal("e2e.session=session-7", HeaderText(properties, "baggage"));
        }
        finally
        {
            OpenTelemetry.Baggage.Current = previous;
        }
    }

    private static string HeaderText(BasicProperties properties, string name) => properties.Headers![name] switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        var value => value?.ToString() ?? "",
    };

    public void Dispose() => _listener.Dispose();
}

/// <summary>The same component through the shared app's real broker, with every ActivitySource listened to.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class RabbitMqBrokerTraceContextTests(SharedAppFixture fixture) : IDisposable
{
    private readonly List<Activity> _started = [];
    private ActivityListener? _listener;

    [Fact]
    public async Task The_client_librarys_own_instrumentation_neither_replaces_nor_breaks_our_traceparent()
    {
        _listener = RabbitMqListening.Everything(activity => { lock (_started) { _started.Add(activity); } });

        var factory = new ConnectionFactory { Uri = new Uri((await fixture.App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;

        var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString("N") };
        string expected;
        using (var publish = RabbitMqTraceContext.StartPublish("", queue, properties, 2)!)
        {
            expected = $"00-{publish.TraceId.ToHexString()}-{publish.SpanId.ToHexString()}-01";
            await channel.BasicPublishAsync("", queue, mandatory: false, properties, "{}"u8.ToArray());
        }

        BasicGetResult? message = null;
        for (var i = 0; i < 50 && message is null; i++)
        {
            message = await channel.BasicGetAsync(queue, autoAck: true);
            await Task.Delay(message is null ? 100 : 0);
        }

        Assert.NotNull(message);
        Assert.Equal(expected, Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["traceparent"]!));
        // The library did start spans of its own (so this test would notice if it wrote its context instead).
        lock (_started)
        {
            Assert.Contains(_started, a => a.Source.Name.StartsWith("RabbitMQ.Client", StringComparison.Ordinal));
        }

        // And the consumer side continues exactly that context, as child and as link.
        var delivery = new BasicDeliverEventArgs("test", 1, false, "", queue, message.BasicProperties, message.Body, CancellationToken.None);
        using var process = RabbitMqTraceContext.StartProcess(delivery, queue)!;
        Assert.Equal(expected.Split('-')[1], process.TraceId.ToHexString());
        Assert.Equal(expected.Split('-')[2], process.ParentSpanId.ToHexString());
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(expected.Split('-')[2], Assert.Single(process.Links).Context.SpanId.ToHexString());
        Assert.Equal($"process {queue}", process.DisplayName);
    }

    public void Dispose() => _listener?.Dispose();
}

internal static class RabbitMqListening
{
    /// <summary>
    /// Listens to every ActivitySource, RabbitMQ.Client's own included (what a careless "AddSource(*)" would
    /// do), with the W3C trace context and baggage propagator every service's TracerProvider sets.
    /// </summary>
    public static ActivityListener Everything(Action<Activity>? started = null)
    {
        OpenTelemetry.Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.CompositeTextMapPropagator(
            [new OpenTelemetry.Context.Propagation.TraceContextPropagator(), new OpenTelemetry.Context.Propagation.BaggagePropagator()]));
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("RabbitMQ", StringComparison.Ordinal) || source.Name.StartsWith("DistributedTracing", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
