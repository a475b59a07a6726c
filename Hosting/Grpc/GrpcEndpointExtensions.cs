using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class GrpcEndpointExtensions
{
    /// <summary>
    /// An endpoint for gRPC over cleartext beside the project's HTTP endpoint. A gRPC client speaks HTTP/2
    /// with prior knowledge, which Kestrel serves only on an HTTP/2-only listener, while Aspire hands every
    /// endpoint to Kestrel through one ASPNETCORE_URLS (and so with one protocol set). So each endpoint gets a
    /// Kestrel endpoint of its own instead: this one HTTP/2 only, the others HTTP/1.1.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoint(this IResourceBuilder<ProjectResource> builder, string name = "grpc")
    {
        var isRunMode = builder.ApplicationBuilder.ExecutionContext.IsRunMode;
        return builder
            .WithHttpEndpoint(name: name)
            .WithEndpoint(name, endpoint => endpoint.Transport = "http2")
            // ASP.NET Core's instrumentation adds the rpc.* attributes to gRPC server spans only when asked.
            .WithEnvironment("OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_ENABLE_GRPC_INSTRUMENTATION", "true")
            .WithEnvironment(context =>
            {
                // Runs after AddProject's callback, so it replaces what that one set.
                context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
                foreach (var endpoint in builder.Resource.GetEndpoints().Where(e => e.EndpointAnnotation.UriScheme is "http" or "https"))
                {
                    var annotation = endpoint.EndpointAnnotation;
                    var host = isRunMode ? annotation.TargetHost : "*";
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{annotation.Name}__Url"] =
                        ReferenceExpression.Create($"{annotation.UriScheme}://{host}:{endpoint.Property(EndpointProperty.TargetPort)}");
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{annotation.Name}__Protocols"] = annotation.Name == name ? "Http2" : "Http1";
                }
            });
    }
}
