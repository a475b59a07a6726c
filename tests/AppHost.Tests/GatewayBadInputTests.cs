using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests;

/// <summary>Every kind of bad request to the gateway gets its status and problem details, and a traceresponse.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class GatewayBadInputTests(SharedAppFixture fixture)
{
    private TestApp App => fixture.App;

    public static TheoryData<string, string, string?, HttpStatusCode, string> Cases => new()
    {
        { "POST", "/api/orders", "{}", HttpStatusCode.BadRequest, "userId" },
        { "POST", "/api/orders", """{"userId":0,"items":[{"sku":"a","quantity":1,"unitPrice":1}]}""", HttpStatusCode.BadRequest, "userId" },
        { "POST", "/api/orders", """{"userId":1,"items":[]}""", HttpStatusCode.BadRequest, "items" },
        { "POST", "/api/orders", """{"userId":1,"items":[{"sku":"","quantity":1,"unitPrice":1}]}""", HttpStatusCode.BadRequest, "items[0].sku" },
        { "POST", "/api/orders", """{"userId":1,"items":[{"sku":"a","quantity":0,"unitPrice":1}]}""", HttpStatusCode.BadRequest, "items[0].quantity" },
        { "POST", "/api/orders", """{"userId":1,"items":[{"sku":"a","quantity":1,"unitPrice":1.234}]}""", HttpStatusCode.BadRequest, "items[0].unitPrice" },
        { "POST", "/api/orders", """{"userId":1,"items":[{"sku":"a","quantity":1,"unitPrice":-1}]}""", HttpStatusCode.BadRequest, "items[0].unitPrice" },
        { "POST", "/api/orders", "{ not json", HttpStatusCode.BadRequest, "" },
        { "POST", "/api/orders", """{"userId":"one"}""", HttpStatusCode.BadRequest, "" },
        { "POST", "/api/orders", """{"userId":987654,"items":[{"sku":"a","quantity":1,"unitPrice":1}]}""", HttpStatusCode.NotFound, "user 987654 does not exist" },
        { "GET", "/api/orders/987654", null, HttpStatusCode.NotFound, "order 987654 does not exist" },
        { "GET", "/api/orders/0", null, HttpStatusCode.BadRequest, "id" },
        { "GET", "/api/orders/abc", null, HttpStatusCode.NotFound, "" },
        { "POST", "/api/users", """{"name":"","email":"x@example.com"}""", HttpStatusCode.BadRequest, "name" },
        { "POST", "/api/users", """{"name":"X","email":"not-an-email"}""", HttpStatusCode.BadRequest, "email" },
        { "POST", "/api/users", """{"name":"Ada","email":"ada@example.com"}""", HttpStatusCode.Conflict, "exists" },
        { "GET", "/api/users/987654", null, HttpStatusCode.NotFound, "user 987654 does not exist" },
        { "GET", "/api/users/-1", null, HttpStatusCode.BadRequest, "id" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests_get_problem_details(string method, string path, string? body, HttpStatusCode status, string mentions)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await App.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, JsonNode.Parse(text)!["status"]!.GetValue<int>());
        Assert.Contains(mentions, text, StringComparison.Ordinal);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", response.Headers.GetValues("traceresponse").Single());
    }

    [Fact]
    public async Task Good_requests_round_trip()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var created = await App.Gateway.PostAsJsonAsync("/api/users", new { name = "Round Trip", email });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var userId = user["id"]!.GetValue<long>();
        Assert.Equal(email, (await App.Gateway.GetFromJsonAsync<JsonNode>($"/api/users/{userId}"))!["email"]!.GetValue<string>());

        using var placed = await App.Gateway.PostAsJsonAsync("/api/orders", new { userId, items = new[] { new { sku = "mug", quantity = 3, unitPrice = 4.5m } } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = JsonNode.Parse(await placed.Content.ReadAsStringAsync())!;
        Assert.Equal(13.5m, order["total"]!.GetValue<decimal>());
        var fetched = await App.Gateway.GetFromJsonAsync<JsonNode>(placed.Headers.Location!.OriginalString);
        Assert.Equal("mug", fetched!["items"]![0]!["sku"]!.GetValue<string>());
    }
}
