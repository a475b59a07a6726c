using DistributedTracing.TraceLab.Configuration;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Api;

/// <summary>The few settings the web UI needs: where Aspire's dashboard is, when there is one to link to.</summary>
public static class UiConfigApi
{
    public static RouteGroupBuilder MapUiConfigApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ui-config", (IOptions<TraceLabOptions> options) =>
            TypedResults.Ok(new UiConfig(string.IsNullOrWhiteSpace(options.Value.AspireDashboardUrl) ? null : options.Value.AspireDashboardUrl)));
        return api;
    }

    public sealed record UiConfig(string? AspireDashboardUrl);
}
