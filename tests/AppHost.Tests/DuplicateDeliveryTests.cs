namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The broker may deliver a message twice (a crash between the worker's insert and its ack, a relay that
/// publishes again after a lost confirm): the order still gets exactly one notification, and the second
/// delivery says on its span that it was a duplicate.
/// </summary>
[Collection(RetryAppCollection.Name)]
public sealed class DuplicateDeliveryTests(RetryAppFixture fixture)
{
    [Fact]
    public async Task The_same_OrderPlaced_delivered_twice_gives_one_notification_and_a_duplicate_span()
    {
        var orderId = RetryAppFixture.NewOrderId();
        var body = RetryAppFixture.OrderPlacedBody(orderId);
        var (traceId, _) = await fixture.PublishAsync(body, body);

        var spans = await fixture.WaitForProcessSpansAsync(traceId, 2, timeoutMs: 60_000);
        Assert.Equal(2, spans.Count);
        Assert.Equal(1, await fixture.CountNotificationsAsync(orderId));

        Assert.Equal("false", spans[0].Attribute("notification.duplicate"));
        Assert.False(spans[0].HasEvent("notification.duplicate"));
        Assert.Equal("true", spans[1].Attribute("notification.duplicate"));
        Assert.True(spans[1].HasEvent("notification.duplicate"));
        Assert.All(spans, s => Assert.NotEqual("error", s["status"].Str()));
        Assert.All(spans, s => Assert.Equal("1", s.Attribute("notification.delivery.attempt")));
    }
}
