using DistributedTracing.Dashboard.Configuration;
using DistributedTracing.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace DistributedTracing.Dashboard.Api;

/// <summary>
/// The app model's resources (what the AppHost runs, not OpenTelemetry's resources), read from the
/// AppHost's resource API and passed through: the browser never talks to the AppHost itself. The AppHost
/// accepts this dashboard's browser token, and already masks secrets.
/// </summary>
public static class AppResourcesApi
{
    public const string HttpClientName = "resource-service";

    public static RouteGroupBuilder MapAppResourcesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ui-config", (IOptions<DashboardOptions> options) =>
            TypedResults.Ok(new { ResourcesEnabled = !string.IsNullOrEmpty(options.Value.ResourceService.Url) }));
        api.MapGet("/app-resources", (HttpContext context) => ForwardAsync(context, "/resources"));
        api.MapGet("/app-resources/{name}/logs", (HttpContext context, string name, long? after) =>
            ForwardAsync(context, $"/resources/{Uri.EscapeDataString(name)}/logs?after={after ?? 0}"));
        return api;
    }

    private static async Task ForwardAsync(HttpContext context, string path)
    {
        var url = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.ResourceService.Url;
        if (string.IsNullOrEmpty(url))
        {
            await TypedResults.Problem(detail: "This dashboard runs on its own: there is no AppHost whose resources it could show.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
            return;
        }

        var client = context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, url.TrimEnd('/') + path);
        request.Headers.Authorization = new("Bearer", context.RequestServices.GetRequiredService<BrowserToken>().Value);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await TypedResults.Problem(detail: $"The AppHost's resource API did not answer: {ex.Message}", statusCode: StatusCodes.Status502BadGateway).ExecuteAsync(context);
        }
    }
}
