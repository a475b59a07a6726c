using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Telemetry;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// <c>GET /api/store</c>: what the store holds against its limits, estimated bytes included, so anyone can
/// see how close the Trace Lab is to evicting and check the memory bound README states.
/// </summary>
public static class StoreUsageApi
{
    public static RouteGroupBuilder MapStoreUsageApi(this RouteGroupBuilder api)
    {
        api.MapGet("/store", (TelemetryStore store, IOptions<TraceLabOptions> options) =>
            TypedResults.Ok(new StoreUsage(store.Usage, options.Value.TelemetryLimits)));
        return api;
    }

    public sealed record StoreUsage(TelemetryStoreUsage Usage, TelemetryLimitOptions Limits);
}
