using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>
/// The variables a project gets, with exactly Aspire's names and formats, so a service cannot tell
/// this engine from Aspire's: OTEL_* for telemetry, ConnectionStrings__* and services__* for what it
/// references, Kestrel settings (or ASPNETCORE_URLS) for where it listens.
/// </summary>
public static class EnvironmentContract
{
    public static Dictionary<string, string> For(ProjectResource project, DistributedApplicationBuilder builder)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_NOLOGO"] = "1",
            // Plain console lines: the AppHost shows them per resource.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };

        AddListeners(project, environment);
        AddTelemetry(project, builder, environment);
        foreach (var reference in project.AnnotationsOf<ReferenceAnnotation>())
        {
            AddReference(reference.Target, environment);
        }

        foreach (var variable in project.AnnotationsOf<EnvironmentAnnotation>())
        {
            environment[variable.Name] = variable.Value();
        }

        return environment;
    }

    private static void AddListeners(ProjectResource project, Dictionary<string, string> environment)
    {
        if (!project.UsesKestrelEndpointSettings)
        {
            return;
        }

        var endpoints = project.AnnotationsOf<EndpointAnnotation>().ToList();
        if (endpoints.Count == 1)
        {
            environment["ASPNETCORE_URLS"] = endpoints[0].Url;
            return;
        }

        // Several listeners with different protocols (HTTP/1.1 for health and REST, HTTP/2 only for gRPC).
        foreach (var endpoint in endpoints)
        {
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Url"] = endpoint.Url;
            environment[$"Kestrel__Endpoints__{endpoint.Name}__Protocols"] = endpoint.Http2Only ? "Http2" : "Http1";
        }
    }

    private static void AddTelemetry(ProjectResource project, DistributedApplicationBuilder builder, Dictionary<string, string> environment)
    {
        environment["OTEL_SERVICE_NAME"] = project.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}";
        environment["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_ENABLE_GRPC_INSTRUMENTATION"] = "true";
        var dashboard = builder.Resources.OfType<DashboardResource>().FirstOrDefault();
        if (dashboard is null || project is DashboardResource)
        {
            return;
        }

        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpc.Url;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={dashboard.OtlpApiKey}";
        // Development: telemetry shows up within a second.
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        environment["OTEL_TRACES_SAMPLER"] = builder.Configuration["OTEL_TRACES_SAMPLER"] ?? "always_on";
        if (builder.Configuration["OTEL_TRACES_SAMPLER_ARG"] is { Length: > 0 } samplerArgument)
        {
            environment["OTEL_TRACES_SAMPLER_ARG"] = samplerArgument;
        }
    }

    private static void AddReference(Resource target, Dictionary<string, string> environment)
    {
        if (target is IResourceWithConnectionString withConnection)
        {
            environment[$"ConnectionStrings__{target.Name}"] = withConnection.GetConnectionString();
        }

        if (target is ProjectResource)
        {
            foreach (var endpoint in target.AnnotationsOf<EndpointAnnotation>())
            {
                // Read by Microsoft.Extensions.ServiceDiscovery: http://userservice, or http://_grpc.userservice for a named endpoint.
                environment[$"services__{target.Name}__{endpoint.Name}__0"] = endpoint.Url;
            }
        }
    }
}
