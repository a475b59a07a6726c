using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// OrderService's transactional outbox on the real app: the order's trace stays one tree through the outbox
/// table, orders are taken while RabbitMQ is stopped and published once it is back, and two OrderService
/// instances (two relays on one table) publish each message once.
/// </summary>
[Collection(OutboxAppCollection.Name)]
public sealed class OutboxTests(OutboxAppFixture fixture, ITestOutputHelper output)
{
    private TestApp App => fixture.App;

    [Fact]
    public async Task The_publish_span_continues_PlaceOrders_server_span_and_records_the_outbox_wait()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { userId = 1, items = new[] { new { sku = "outbox-trace", quantity = 1, unitPrice = 1m } } }),
        };
        request.Headers.Add("baggage", "outbox.test=kept");
        using var response = await App.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var (trace, publish) = await WaitForPublishedTraceAsync(JsonHelpers.TraceIdOf(response));
        var spans = trace["spans"].Items().ToList();
        Assert.Single(spans, s => s["depth"]!.GetValue<int>() == 0); // one tree

        // gateway request → PlaceOrder → publish orders (from the row's stored traceparent) → process orders
        var placeOrder = spans.Single(s => s["service"].Str() == "orderservice" && s["kind"].Str() == "server" && s["name"].Str().Contains("PlaceOrder", StringComparison.Ordinal));
        Assert.Equal(placeOrder["spanId"].Str(), publish["parentSpanId"].Str());
        Assert.Equal("producer", publish["kind"].Str());
        var process = spans.Single(s => s["name"].Str() == "process orders");
        Assert.Equal(publish["spanId"].Str(), process["parentSpanId"].Str());

        Assert.True(int.Parse(publish.Attribute("outbox.wait_ms")!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.Equal("1", publish.Attribute("outbox.publish_attempts"));
        Assert.Matches("^[0-9a-f]{32}$", publish.Attribute("messaging.message.id")!);

        // The baggage the request carried was stored with the row and travelled on in the message headers.
        var messageHop = trace["hops"].Items().Single(h => h["carrier"].Str() == "messaging");
        Assert.Contains(messageHop["context"]!["baggage"].Items(), b => b["key"].Str() == "outbox.test" && b["value"].Str() == "kept");
    }

    [Fact]
    public async Task With_RabbitMQ_stopped_orders_get_201_wait_in_the_outbox_and_are_all_delivered_once_it_is_back()
    {
        const int Orders = 10;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var messaging = App.Timeline.ResourceId("messaging");
        var stop = await App.App.ResourceCommands.ExecuteCommandAsync(messaging, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        var started = false;
        try
        {
            await App.Notifications.WaitForResourceAsync("messaging", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);

            var ids = new List<long>();
            var traceIds = new List<string>();
            for (var i = 0; i < Orders; i++)
            {
                using var response = await fixture.PlaceOrderAsync($"outbox-broker-down-{i}", cancellationToken: timeout.Token);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                ids.Add(await OutboxAppFixture.OrderIdOf(response));
                traceIds.Add(JsonHelpers.TraceIdOf(response));
            }

            // Stored, pending, tried (and failed) by a relay; OrderService stays up and healthy meanwhile.
            await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
            Assert.Equal((long)Orders, await CountRowsAsync(ids, "sent_at IS NULL"));
            Assert.True(await CountRowsAsync(ids, "sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL") >= 1);
            Assert.Equal(KnownResourceStates.Running, App.Snapshot("orderservice").State?.Text);
            Assert.Equal(HealthStatus.Healthy, App.Snapshot("orderservice").HealthStatus);

            var start = await App.App.ResourceCommands.ExecuteCommandAsync(messaging, KnownResourceCommands.StartCommand, timeout.Token);
            Assert.True(start.Success, start.Message);
            started = true;
            await App.Notifications.WaitForResourceHealthyAsync("messaging", timeout.Token);
            var back = Stopwatch.StartNew();

            Assert.True(await UntilAsync(async () => await CountRowsAsync(ids, "sent_at IS NULL") == 0, TimeSpan.FromSeconds(60)),
                "the outbox did not drain within 60 s of the broker's return");
            output.WriteLine($"{Orders} orders placed with the broker stopped; outbox empty {back.ElapsedMilliseconds} ms after it was healthy again");

            Assert.True(await UntilAsync(async () => await fixture.QueryAsync<long>("notificationsdb",
                    """SELECT count(DISTINCT "OrderId") FROM notifications WHERE "OrderId" = ANY($1)""", ids.ToArray()) == Orders, TimeSpan.FromSeconds(60)),
                "the worker did not store a notification for every order within 60 s");

            // The message waited: its publish span says so, and is still in the order's trace.
            var (_, publish) = await WaitForPublishedTraceAsync(traceIds[0], timeoutMs: 60_000);
            var waited = publish["events"].Items().Single(e => e["name"].Str() == "outbox.waited");
            Assert.NotNull(waited["attributes"].Items().SingleOrDefault(a => a["key"].Str() == "outbox.wait_ms"));
            Assert.True(int.Parse(publish.Attribute("outbox.wait_ms")!, System.Globalization.CultureInfo.InvariantCulture) >= 3000);
            output.WriteLine($"first order's outbox.wait_ms {publish.Attribute("outbox.wait_ms")}, outbox.publish_attempts {publish.Attribute("outbox.publish_attempts")}");
        }
        finally
        {
            if (!started)
            {
                using var restore = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await App.App.ResourceCommands.ExecuteCommandAsync(messaging, KnownResourceCommands.StartCommand, restore.Token);
                await App.Notifications.WaitForResourceHealthyAsync("messaging", restore.Token);
            }
        }
    }

    [Fact]
    public async Task Two_order_services_publish_each_message_exactly_once()
    {
        const int Orders = 100;
        // A queue of the test's own, bound like the worker's, receives a copy of every OrderPlaced.
        var factory = new ConnectionFactory { Uri = new Uri((await App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "orders", "order.placed");

        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        var startedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Parallel.ForAsync(0, Orders, new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (i, ct) =>
        {
            using var response = await fixture.PlaceOrderAsync($"outbox-two-relays-{i}", cancellationToken: ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(await OutboxAppFixture.OrderIdOf(response));
        });

        // Every message until each order's has come, then 2 s more for any duplicate still on its way.
        var received = new Dictionary<long, int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        DateTime? allSeenAt = null;
        while (DateTime.UtcNow < deadline && (allSeenAt is null || DateTime.UtcNow - allSeenAt < TimeSpan.FromSeconds(2)))
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is not { } message)
            {
                await Task.Delay(50);
                continue;
            }

            var orderId = JsonNode.Parse(message.Body.Span)!["orderId"]!.GetValue<long>();
            received[orderId] = received.GetValueOrDefault(orderId) + 1;
            if (allSeenAt is null && ids.All(received.ContainsKey))
            {
                allSeenAt = DateTime.UtcNow;
            }
        }

        Assert.All(ids, id => Assert.Equal(1, received.GetValueOrDefault(id)));

        // Both relays took part (each woke on the NOTIFY of every commit and claimed what the other had not locked).
        var second = await App.WaitForLabAsync("/api/traces?service=orderservice2&limit=200", t => t["total"]!.GetValue<int>() > 0);
        output.WriteLine($"{Orders} orders, each published once; traces with a publish by orderservice2: {second["total"]}");
        // And the relay's own queries (polls every 5 s, claims, marks) start no traces of their own: every trace
        // orderservice2 took part in since its start-up (its migration's queries) is an order's, rooted at the gateway.
        var ownTraces = second["items"].Items()
            .Where(t => t["startUnixMs"]!.GetValue<double>() >= startedUnixMs && t["rootService"]?.GetValue<string>() != "gateway")
            .Select(t => t["rootSpanName"]?.ToString()).ToList();
        Assert.True(ownTraces.Count == 0, "traces of orderservice2's own: " + string.Join(", ", ownTraces));
    }

    private async Task<(JsonNode Trace, JsonNode Publish)> WaitForPublishedTraceAsync(string traceId, int timeoutMs = 30_000)
    {
        JsonNode? publish = null;
        var trace = await App.WaitForLabAsync($"/api/traces/{traceId}", t =>
        {
            var spans = t["spans"].Items().ToList();
            publish = spans.FirstOrDefault(s => s["name"].Str() == "publish orders");
            return publish is not null && spans.Any(s => s["name"].Str() == "process orders") && spans.All(s => !s["parentNotReceived"]!.GetValue<bool>());
        }, timeoutMs);
        return (trace, publish!);
    }

    private Task<long> CountRowsAsync(List<long> orderIds, string condition) =>
        fixture.QueryAsync<long>("ordersdb",
            $"SELECT count(*) FROM outbox_messages WHERE {condition} AND (convert_from(body, 'UTF8')::jsonb->>'orderId')::bigint = ANY($1)", orderIds.ToArray());

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }
}
