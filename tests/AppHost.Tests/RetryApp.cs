using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using DistributedTracing.ServiceDefaults.Messaging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RabbitMQ.Client;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// One whole app whose worker retries quickly (3 attempts, 0.5 s then 1 s apart), for the tests that fail,
/// duplicate and restart things on purpose. Each test leaves every resource running as it found it.
/// </summary>
public sealed class RetryAppFixture : IAsyncLifetime
{
    public const int MaxAttempts = 3;

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(configure: builder =>
    {
        var worker = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "notificationworker");
        builder.CreateResourceBuilder(worker)
            .WithEnvironment("Notifications__Retry__MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Notifications__Retry__FirstDelay", "00:00:00.5")
            .WithEnvironment("Notifications__Retry__MaxDelay", "00:00:02");
    });

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>
    /// Publishes OrderPlaced bodies to exchange <c>orders</c> as OrderService would, under a <c>publish orders</c>
    /// span the test exports to the Lab itself (so the worker's spans have their parent). Every body goes with the
    /// same properties: same message id, same traceparent. Returns the trace id and the message id.
    /// </summary>
    public async Task<(string TraceId, string MessageId)> PublishAsync(params byte[][] bodies)
    {
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("e2e-publisher"))
            .AddSource(MessagingTelemetry.SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = App.App.GetEndpoint("tracelab", "otlp-grpc");
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Headers = $"x-otlp-api-key={App.LabOtlpApiKey}";
            })
            .Build();
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString("N"), ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        string traceId;
        using (var publish = RabbitMqTraceContext.StartPublish("orders", "order.placed", properties, bodies[0].Length)!)
        {
            traceId = publish.TraceId.ToHexString();
            foreach (var body in bodies)
            {
                await channel.BasicPublishAsync("orders", "order.placed", mandatory: true, properties, body);
            }
        }

        Assert.True(tracing.ForceFlush(10_000));
        return (traceId, properties.MessageId);
    }

    public static byte[] OrderPlacedBody(long orderId, long userId = 1) =>
        Encoding.UTF8.GetBytes($$"""{"orderId":{{orderId}},"userId":{{userId}},"totalCents":1999,"placedAt":"2026-01-01T00:00:00Z"}""");

    /// <summary>An order id no other test uses.</summary>
    public static long NewOrderId() => Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);

    /// <summary>Takes messages from <c>orders.dead-letter</c> until the one with <paramref name="messageId"/> (others are dropped).</summary>
    public async Task<BasicGetResult> WaitForDeadLetterAsync(string messageId, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync("orders.dead-letter", autoAck: true) is not { } message)
            {
                await Task.Delay(200);
            }
            else if (message.BasicProperties.MessageId == messageId)
            {
                return message;
            }
        }

        Assert.Fail($"message {messageId} did not reach orders.dead-letter in {timeout}");
        return null!;
    }

    /// <summary>How many notifications notificationsdb holds for the order.</summary>
    public async Task<long> CountNotificationsAsync(long orderId)
    {
        await using var dataSource = NpgsqlDataSource.Create((await App.App.GetConnectionStringAsync("notificationsdb"))!);
        await using var command = dataSource.CreateCommand("""SELECT count(*) FROM notifications WHERE "OrderId" = $1""");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until the order's trace in the Lab holds <paramref name="count"/> finished <c>process orders</c> spans.</summary>
    public async Task<IReadOnlyList<JsonNode>> WaitForProcessSpansAsync(string traceId, int count, int timeoutMs = 90_000)
    {
        var trace = await App.WaitForLabAsync($"/api/traces/{traceId}", t => ProcessSpans(t).Count >= count, timeoutMs);
        return ProcessSpans(trace);
    }

    public static IReadOnlyList<JsonNode> ProcessSpans(JsonNode trace) =>
        [.. trace["spans"].Items().Where(s => s["name"].Str() == "process orders" && s["service"].Str() == "notificationworker")
            .OrderBy(s => s["startUnixMs"]!.GetValue<double>())];

    /// <summary>Runs an Aspire command (start, stop) on a resource and checks that it was accepted.</summary>
    public async Task CommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var result = await App.App.ResourceCommands.ExecuteCommandAsync(App.Timeline.ResourceId(resource), command, cancellationToken);
        Assert.True(result.Success, $"{command} {resource}: {result.Message}");
    }

    public Task WaitForHealthyAsync(string resource, CancellationToken cancellationToken) =>
        App.Notifications.WaitForResourceAsync(resource, e => ResourceTimeline.IsRunningAndHealthy(e.Snapshot), cancellationToken);

    public Task WaitForStoppedAsync(string resource, CancellationToken cancellationToken) =>
        App.Notifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cancellationToken);
}

[CollectionDefinition(Name)]
public sealed class RetryAppCollection : ICollectionFixture<RetryAppFixture>
{
    public const string Name = "retry app";
}

internal static class SpanAttributes
{
    public static bool HasEvent(this JsonNode span, string name) => span["events"].Items().Any(e => e["name"].Str() == name);

    public static string? EventAttribute(this JsonNode span, string eventName, string key) =>
        span["events"].Items().FirstOrDefault(e => e["name"].Str() == eventName)?["attributes"].Items()
            .FirstOrDefault(a => a["key"].Str() == key)?["value"]?.ToString();
}
