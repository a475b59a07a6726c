using System.Text;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RabbitMQ.Client;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The worker's failure paths for real: UserService stopped with Aspire's stop command makes every attempt
/// fail (a gRPC error the worker counts as passing); the message waits in orders.retry.k between attempts and, after MaxAttempts, lands in
/// orders.dead-letter with the reason. Each attempt is one <c>process orders</c> span under the one publish span.
/// </summary>
[Collection(RetryAppCollection.Name)]
public sealed class RetryAndDeadLetterTests(RetryAppFixture fixture)
{
    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_after_delays_then_dead_lettered_with_the_reason()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var orderId = RetryAppFixture.NewOrderId();
        await fixture.CommandAsync("userservice", KnownResourceCommands.StopCommand, timeout.Token);
        try
        {
            await fixture.WaitForStoppedAsync("userservice", timeout.Token);
            var (traceId, messageId) = await fixture.PublishAsync(RetryAppFixture.OrderPlacedBody(orderId));

            var dead = await fixture.WaitForDeadLetterAsync(messageId, TimeSpan.FromMinutes(3));
            var headers = dead.BasicProperties.Headers!;
            Assert.Equal("retries-exhausted", Text(headers["x-dead-letter-kind"]));
            Assert.Equal(RetryAppFixture.MaxAttempts, Convert.ToInt32(headers["x-delivery-attempt"], System.Globalization.CultureInfo.InvariantCulture));
            var reason = Text(headers["x-dead-letter-reason"]);
            // The last failure: the gRPC call to the stopped UserService (Unavailable, or Internal when DCP's proxy
            // accepts the connection and drops it).
            Assert.StartsWith("RpcException: Status(StatusCode=", reason, StringComparison.Ordinal);
            Assert.InRange(reason.Length, 1, 256);
            Assert.StartsWith($"00-{traceId}-", Text(headers["traceparent"]), StringComparison.Ordinal); // the trace goes along
            Assert.Equal(RetryAppFixture.OrderPlacedBody(orderId), dead.Body.ToArray());

            // One span per attempt, numbered, each a child of the one publish span, a pause between them.
            var spans = await fixture.WaitForProcessSpansAsync(traceId, RetryAppFixture.MaxAttempts);
            Assert.Equal(RetryAppFixture.MaxAttempts, spans.Count);
            var publish = (await fixture.App.WaitForLabAsync($"/api/traces/{traceId}", _ => true))["spans"].Items()
                .Single(s => s["name"].Str() == "publish orders");
            for (var i = 0; i < spans.Count; i++)
            {
                var attempt = i + 1;
                Assert.Equal(attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), spans[i].Attribute("notification.delivery.attempt"));
                Assert.Equal(publish["spanId"].Str(), spans[i]["parentSpanId"].Str());
                Assert.Equal("error", spans[i]["status"].Str());
                Assert.True(spans[i].HasEvent("exception"));
            }

            Assert.Equal("orders.retry.1", spans[0].EventAttribute("notification.retry_scheduled", "retry.queue"));
            Assert.Equal("500", spans[0].EventAttribute("notification.retry_scheduled", "retry.delay_ms"));
            Assert.Equal("orders.retry.2", spans[1].EventAttribute("notification.retry_scheduled", "retry.queue"));
            Assert.Equal("1000", spans[1].EventAttribute("notification.retry_scheduled", "retry.delay_ms"));
            Assert.Equal(reason, spans[2].EventAttribute("notification.dead_lettered", "dead_letter.reason"));
            for (var i = 1; i < spans.Count; i++)
            {
                var previousEnd = spans[i - 1]["startUnixMs"]!.GetValue<double>() + spans[i - 1]["durationMs"]!.GetValue<double>();
                Assert.True(spans[i]["startUnixMs"]!.GetValue<double>() - previousEnd >= 400, $"attempt {i + 1} began too soon after attempt {i}");
            }

            Assert.Equal(0, await fixture.CountNotificationsAsync(orderId));
            // One log record per attempt (its exception goes with it), never a flood while the fault lasts.
            var lines = await fixture.App.ReadLogsAsync("notificationworker");
            Assert.Equal(RetryAppFixture.MaxAttempts, lines.Count(l => l.Contains($"Message {messageId}:", StringComparison.Ordinal)));
        }
        finally
        {
            await fixture.CommandAsync("userservice", KnownResourceCommands.StartCommand, CancellationToken.None);
            using var started = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await fixture.WaitForHealthyAsync("userservice", started.Token);
        }
    }

    [Fact]
    public async Task A_failure_that_heals_before_the_attempts_run_out_gives_exactly_one_notification()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var orderId = RetryAppFixture.NewOrderId();
        string traceId;
        await fixture.CommandAsync("userservice", KnownResourceCommands.StopCommand, timeout.Token);
        try
        {
            await fixture.WaitForStoppedAsync("userservice", timeout.Token);
            (traceId, _) = await fixture.PublishAsync(RetryAppFixture.OrderPlacedBody(orderId));
            // The first attempt has failed (its span ended in error) before UserService comes back.
            await fixture.WaitForProcessSpansAsync(traceId, 1);
        }
        finally
        {
            await fixture.CommandAsync("userservice", KnownResourceCommands.StartCommand, CancellationToken.None);
        }

        await fixture.WaitForHealthyAsync("userservice", timeout.Token);
        Assert.True(await Polling.UntilAsync(async () => await fixture.CountNotificationsAsync(orderId) == 1, TimeSpan.FromMinutes(2)),
            "no notification after UserService came back");

        var spans = await fixture.WaitForProcessSpansAsync(traceId, 2);
        Assert.Equal("error", spans[0]["status"].Str());
        Assert.Equal("1", spans[0].Attribute("notification.delivery.attempt"));
        var last = spans[^1];
        Assert.NotEqual("error", last["status"].Str());
        Assert.Equal("false", last.Attribute("notification.duplicate"));
        Assert.InRange(int.Parse(last.Attribute("notification.delivery.attempt")!, System.Globalization.CultureInfo.InvariantCulture), 2, RetryAppFixture.MaxAttempts);
        await Task.Delay(TimeSpan.FromSeconds(3)); // nothing else arrives for it
        Assert.Equal(1, await fixture.CountNotificationsAsync(orderId));
    }

    [Fact]
    public async Task A_poison_message_is_dead_lettered_at_once()
    {
        var (traceId, messageId) = await fixture.PublishAsync(Encoding.UTF8.GetBytes("{ this is not json"));

        var dead = await fixture.WaitForDeadLetterAsync(messageId, TimeSpan.FromSeconds(60));
        Assert.Equal("poison", Text(dead.BasicProperties.Headers!["x-dead-letter-kind"]));
        Assert.Equal(1, Convert.ToInt32(dead.BasicProperties.Headers["x-delivery-attempt"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("not JSON", Text(dead.BasicProperties.Headers["x-dead-letter-reason"]), StringComparison.Ordinal);

        var span = Assert.Single(await fixture.WaitForProcessSpansAsync(traceId, 1));
        Assert.Equal("error", span["status"].Str());
        Assert.True(span.HasEvent("notification.dead_lettered"));
        Assert.False(span.HasEvent("notification.retry_scheduled"));
    }

    [Fact]
    public async Task A_copy_that_cannot_be_sent_returns_the_message_to_the_queue_after_a_pause_never_in_a_hot_loop()
    {
        // With orders.dead-letter gone, the dead-letter exchange routes nowhere: the worker's copy of a poison
        // message comes back unroutable, so it cannot ack the original.
        var factory = new ConnectionFactory { Uri = new Uri((await fixture.App.App.GetConnectionStringAsync("messaging"))!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync("orders.dead-letter", ifUnused: false, ifEmpty: false);
        string traceId, messageId;
        int attempts;
        try
        {
            (traceId, messageId) = await fixture.PublishAsync(Encoding.UTF8.GetBytes("{ not json either"));
            await fixture.WaitForProcessSpansAsync(traceId, 2);
            await Task.Delay(TimeSpan.FromSeconds(4));
            attempts = RetryAppFixture.ProcessSpans(await fixture.App.WaitForLabAsync($"/api/traces/{traceId}", _ => true)).Count;
        }
        finally
        {
            await channel.QueueDeclareAsync("orders.dead-letter", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("orders.dead-letter", "orders.dead-letter", "");
        }

        // About one try per FirstDelay (0.5 s) while the copy cannot be sent: a hot loop would make thousands.
        Assert.InRange(attempts, 2, 20);
        // Nothing lost: held back in the queue, it is dead-lettered once the queue is there again.
        var dead = await fixture.WaitForDeadLetterAsync(messageId, TimeSpan.FromSeconds(30));
        Assert.Equal("poison", Text(dead.BasicProperties.Headers!["x-dead-letter-kind"]));
    }

    private static string Text(object? header) => header switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => header?.ToString() ?? "",
    };
}
