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

    /// <summary>C0 controls (NUL first), DEL and C1 controls, as JSON escapes.</summary>
    public static TheoryData<string, int> UnprintableCharacters => new()
    {
        { "sku", 0x00 }, { "name", 0x00 }, { "email", 0x00 },
        { "sku", 0x01 }, { "name", 0x0A }, { "email", 0x1B },
        { "sku", 0x7F }, { "name", 0x85 }, { "email", 0x9F },
    };

    [Theory]
    [MemberData(nameof(UnprintableCharacters))]
    public async Task Control_characters_are_refused_before_they_reach_a_service(string field, int character)
    {
        var marker = Guid.NewGuid().ToString("N");
        var domain = field == "email" ? "@example.com" : "";
        var (status, text) = await PostWithAsync(field, $"{marker}\\u{character:x4}x{domain}");

        Assert.True(status == HttpStatusCode.BadRequest, $"{field} with U+{character:X4}: expected 400, got {(int)status}: {text}");
        Assert.Contains("control characters", text, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("grpcStatus", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", 0xD800)]
    [InlineData("sku", 0xDC00)]
    public async Task Lone_surrogates_are_refused_while_the_body_is_read(string field, int surrogate)
    {
        var marker = Guid.NewGuid().ToString("N");
        var (status, text) = await PostWithAsync(field, $"{marker}\\u{surrogate:x4}x", expectFieldError: false);

        Assert.True(status == HttpStatusCode.BadRequest, $"{field} with U+{surrogate:X4}: expected 400, got {(int)status}: {text}");
        Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("grpcStatus", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("email", 100_000)]
    [InlineData("email", 10_240)]
    [InlineData("email", 321)]
    [InlineData("name", 10_240)]
    [InlineData("name", 201)]
    [InlineData("sku", 10_240)]
    [InlineData("sku", 65)]
    public async Task Oversized_values_are_refused_without_being_echoed(string field, int length)
    {
        var value = field == "email" ? new string('a', length - "@example.com".Length) + "@example.com" : new string('a', length);
        var (status, text) = await PostWithAsync(field, value);

        Assert.True(status == HttpStatusCode.BadRequest, $"{field} of {length} characters: expected 400, got {(int)status}: {text[..Math.Min(text.Length, 500)]}");
        Assert.Contains($"{field} must be at most", text, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 60), text, StringComparison.Ordinal);
        Assert.True(text.Length < 1024, $"a {text.Length}-character answer to a {length}-character {field}");
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

    /// <summary>A create-user or place-order body with <paramref name="jsonValue"/> (JSON string content, escapes allowed) in <paramref name="field"/>.</summary>
    private async Task<(HttpStatusCode Status, string Text)> PostWithAsync(string field, string jsonValue, bool expectFieldError = true)
    {
        var (path, body) = field switch
        {
            "sku" => ("/api/orders", $$"""{"userId":1,"items":[{"sku":"{{jsonValue}}","quantity":1,"unitPrice":1}]}"""),
            "name" => ("/api/users", $$"""{"name":"{{jsonValue}}","email":"{{Guid.NewGuid():N}}@example.com"}"""),
            "email" => ("/api/users", $$"""{"name":"X","email":"{{jsonValue}}"}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        using var response = await App.Gateway.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (expectFieldError)
            {
                Assert.NotNull(JsonNode.Parse(text)!["errors"]?[field == "sku" ? "items[0].sku" : field]);
            }
        }

        return (response.StatusCode, text);
    }
}
