using DistributedTracing.TraceLab.Forwarding;

namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// <c>GET /api/forwarding</c>: whether exports are forwarded, where to, and how many went, were dropped or
/// failed. The headers (Aspire's OTLP key) are never part of it.
/// </summary>
public static class ForwardingApi
{
    public static RouteGroupBuilder MapForwardingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/forwarding", (ForwardingQueue queue) => TypedResults.Ok(queue.Status()));
        return api;
    }
}
