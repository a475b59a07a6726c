namespace DistributedTracing.TraceLab.Configuration;

/// <summary>
/// Which of the Trace Lab's three listeners a request came in on. Each route is served on one only:
/// OTLP/gRPC on the HTTP/2-only port, OTLP/HTTP on its port, the UI and query APIs on the frontend port.
/// </summary>
public enum EndpointRole
{
    Frontend,
    OtlpGrpc,
    OtlpHttp,
}

/// <summary>Set on each connection by the listener that accepted it.</summary>
public sealed record EndpointRoleFeature(EndpointRole Role);

/// <summary>Route metadata: the listener a route belongs to. Routes without it belong to the frontend.</summary>
public sealed record EndpointRoleMetadata(EndpointRole Role);

public static class EndpointRoleExtensions
{
    public static TBuilder OnlyOn<TBuilder>(this TBuilder builder, EndpointRole role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointRoleMetadata(role));

    public static EndpointRole GetEndpointRole(this HttpContext context) =>
        context.Features.Get<EndpointRoleFeature>()?.Role ?? EndpointRole.Frontend;

    /// <summary>Answers 404 when a route is asked for on a listener it does not belong to.</summary>
    public static IApplicationBuilder UseEndpointRoles(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not null)
        {
            var required = endpoint.Metadata.GetMetadata<EndpointRoleMetadata>()?.Role ?? EndpointRole.Frontend;
            if (required != context.GetEndpointRole())
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }

        return next(context);
    });
}
