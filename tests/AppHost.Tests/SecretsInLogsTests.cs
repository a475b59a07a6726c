using System.Net;
using System.Net.Http.Json;
using DistributedTracing.Hosting.Postgres;
using DistributedTracing.Hosting.RabbitMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The generated passwords and keys, and the browser token, reach the processes that need them through
/// their environment and files, never through anyone's console output or logs, which a learner pastes into
/// an issue or a screenshot.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class SecretsInLogsTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task No_generated_password_key_or_token_appears_in_any_resources_output()
    {
        var app = fixture.App;
        // Everything a learner does first: log in to both UIs with the link (token in its query string), place an order.
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var (dashboardLogin, api) = await app.AspireDashboardAsync();
            api.Dispose();
            using var dashboard = await browser.GetAsync(dashboardLogin);
            using var lab = await browser.GetAsync(new Uri(app.Lab.BaseAddress!, $"/login?t={app.BrowserToken}"));
            Assert.Equal(HttpStatusCode.Redirect, lab.StatusCode);
        }

        using var placed = await app.Gateway.PostAsJsonAsync("/api/orders", new { userId = 1, items = new[] { new { sku = "book-1", quantity = 1, unitPrice = 5m } } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        await app.WaitForOrderTraceAsync(JsonHelpers.TraceIdOf(placed));

        var configuration = app.App.Services.GetRequiredService<IConfiguration>();
        var secrets = new Dictionary<string, string>
        {
            ["postgres-password"] = (await app.Resource<LocalPostgresServerResource>().PasswordParameter.GetValueAsync(CancellationToken.None))!,
            ["messaging-password"] = (await app.Resource<LocalRabbitMQServerResource>().PasswordParameter.GetValueAsync(CancellationToken.None))!,
            ["tracelab-otlp-api-key"] = app.LabOtlpApiKey,
            ["the browser token (the Lab's and Aspire's dashboard's)"] = app.BrowserToken,
            ["Aspire's OTLP API key"] = configuration["AppHost:OtlpApiKey"]!,
            ["Aspire's dashboard API key"] = configuration["AppHost:DashboardApiKey"]!,
        };
        Assert.All(secrets, s => Assert.True(s.Value is { Length: >= 12 }, $"{s.Key} is not a generated secret: '{s.Value}'"));

        var logs = await app.ReadAllLogsAsync().WaitAsync(TimeSpan.FromMinutes(1));
        // The logs were read: every project and both servers wrote something.
        foreach (var resource in TestApp.Projects.Concat(["postgres", "messaging"]))
        {
            Assert.True(logs.TryGetValue(resource, out var lines) && lines.Count > 0, $"no output from {resource}");
        }

        var leaks = (from resource in logs
                     from line in resource.Value
                     from secret in secrets
                     where line.Contains(secret.Value, StringComparison.Ordinal)
                     select $"{secret.Key} in the output of {resource.Key}: {line.Replace(secret.Value, "<SECRET>", StringComparison.Ordinal)}").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
