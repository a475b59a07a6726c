using System.Net;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// POST /api/orders with an Idempotency-Key: a client that retries gets its first order back, never a second
/// one, even when the retries race each other or come after OrderService restarted (keys live in ordersdb).
/// </summary>
[Collection(OutboxAppCollection.Name)]
public sealed class IdempotencyKeyTests(OutboxAppFixture fixture)
{
    private static string NewKey() => $"test-{Guid.NewGuid():N}";

    private static string NewSku() => $"idem-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_repeat_with_the_same_key_and_body_returns_the_first_order_with_200()
    {
        var key = NewKey();
        var sku = NewSku();
        using var first = await fixture.PlaceOrderAsync(sku, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;

        using var repeat = await fixture.PlaceOrderAsync(sku, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal(firstBody.ToJsonString(), JsonNode.Parse(await repeat.Content.ReadAsStringAsync())!.ToJsonString());
        Assert.Equal(1L, await CountOrdersAsync(sku));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_places_nothing()
    {
        var key = NewKey();
        var sku = NewSku();
        using var first = await fixture.PlaceOrderAsync(sku, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var other = await fixture.PlaceOrderAsync(sku, quantity: 2, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("idempotency key", JsonNode.Parse(await other.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        Assert.Equal(1L, await CountOrdersAsync(sku));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\tb")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x")]
    public async Task A_malformed_key_is_400(string key)
    {
        var sku = NewSku();
        using var response = await fixture.PlaceOrderAsync(sku, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
        Assert.Equal(0L, await CountOrdersAsync(sku));
    }

    [Fact]
    public async Task Two_key_headers_in_one_request_are_400()
    {
        // HttpClient folds repeated headers into one line, so the request is written by hand: two header lines.
        var gateway = fixture.App.Gateway.BaseAddress!;
        var body = $$"""{"userId":1,"items":[{"sku":"{{NewSku()}}","quantity":1,"unitPrice":1}]}""";
        var request = $"POST /api/orders HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: application/json\r\n"
            + $"Idempotency-Key: {NewKey()}\r\nIdempotency-Key: {NewKey()}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(gateway.Host, gateway.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 400", statusLine);
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_one_key_place_exactly_one_order()
    {
        var key = NewKey();
        var sku = NewSku();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.PlaceOrderAsync(sku, idempotencyKey: key)));
        try
        {
            // One request placed the order; every other one, however it raced, got that order back.
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            var ids = await Task.WhenAll(responses.Select(OutboxAppFixture.OrderIdOf));
            Assert.Single(ids.Distinct());
            Assert.Equal(1L, await CountOrdersAsync(sku));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_key_survives_an_orderservice_restart()
    {
        var app = fixture.App;
        var key = NewKey();
        var sku = NewSku();
        using var first = await fixture.PlaceOrderAsync(sku, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var before = app.Snapshot("orderservice").StartTimeStamp;
        var restart = await app.App.ResourceCommands.ExecuteCommandAsync(app.Timeline.ResourceId("orderservice"), KnownResourceCommands.RestartCommand, timeout.Token);
        Assert.True(restart.Success, restart.Message);
        await app.Notifications.WaitForResourceAsync("orderservice",
            e => e.Snapshot.StartTimeStamp != before && ResourceTimeline.IsRunningAndHealthy(e.Snapshot), timeout.Token);

        // The gateway's connection to the old process may need a moment to notice it went away.
        HttpResponseMessage? repeat = null;
        for (var i = 0; i < 20 && repeat?.StatusCode != HttpStatusCode.OK; i++)
        {
            repeat?.Dispose();
            await Task.Delay(i == 0 ? 0 : 500, timeout.Token);
            repeat = await fixture.PlaceOrderAsync(sku, idempotencyKey: key, cancellationToken: timeout.Token);
        }

        using (repeat)
        {
            Assert.Equal(HttpStatusCode.OK, repeat!.StatusCode);
            Assert.Equal(await OutboxAppFixture.OrderIdOf(first), await OutboxAppFixture.OrderIdOf(repeat));
        }

        Assert.Equal(1L, await CountOrdersAsync(sku));
    }

    private Task<long> CountOrdersAsync(string sku) =>
        fixture.QueryAsync<long>("ordersdb", """SELECT count(DISTINCT "OrderId") FROM order_lines WHERE "Sku" = $1""", sku);
}
