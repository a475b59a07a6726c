using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests;

/// <summary>The engine's resource API, which the dashboard's resources page reads.</summary>
[Collection(RunningAppCollection.Name)]
public sealed class ResourceServiceTests(RunningAppFixture fixture)
{
    [Fact]
    public async Task Resources_their_environment_masked_and_their_output_need_the_token()
    {
        var url = fixture.App.App.ResourceServiceUrl!;
        using var anonymous = new HttpClient { BaseAddress = new Uri(url) };
        using var denied = await anonymous.GetAsync("/resources");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var wrong = await anonymous.GetAsync("/resources");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.App.DashboardResource.BrowserToken);
        var resources = JsonNode.Parse(await client.GetStringAsync("/resources"))!.AsArray();
        Assert.Equal(
            ["dashboard", "gateway", "messaging", "notificationworker", "orderservice", "postgres", "shopper", "userservice"],
            resources.Select(r => r!["name"]!.GetValue<string>()).Order());
        Assert.All(resources, r => Assert.Equal("Running", r!["state"]!.ToString()));

        var orderService = resources.Single(r => r!["name"]!.GetValue<string>() == "orderservice")!;
        var environment = orderService["environment"]!.AsObject();
        Assert.Contains("Password=********", environment["ConnectionStrings__ordersdb"]!.GetValue<string>());
        Assert.Contains(":********@", environment["ConnectionStrings__messaging"]!.GetValue<string>());
        Assert.Equal("x-otlp-api-key=********", environment["OTEL_EXPORTER_OTLP_HEADERS"]!.GetValue<string>());
        Assert.DoesNotContain(fixture.App.DashboardResource.OtlpApiKey, orderService.ToJsonString());
        Assert.NotEmpty(orderService["urls"]!.AsArray());

        var logs = JsonNode.Parse(await client.GetStringAsync("/resources/userservice/logs"))!.AsArray();
        Assert.Contains(logs, line => line!["text"]!.GetValue<string>().Contains("usersdb is migrated", StringComparison.Ordinal));
        using var unknown = await client.GetAsync("/resources/nobody/logs");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
