namespace DistributedTracing.Hosting.ApplicationModel;

public static class ProjectBuilderExtensions
{
    /// <summary>
    /// A project of the solution. It gets an HTTP/1.1 endpoint (health, REST) and, with
    /// <paramref name="grpc"/>, an HTTP/2-only endpoint named "grpc" for gRPC over cleartext.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectPath, bool grpc = false)
    {
        var project = new ProjectResource(name, projectPath);
        project.Annotations.Add(new EndpointAnnotation("http"));
        if (grpc)
        {
            project.Annotations.Add(new EndpointAnnotation("grpc", http2Only: true));
        }

        return builder.AddResource(project);
    }

    /// <summary>
    /// The dashboard on its usual ports (18888 UI, 18889 OTLP/gRPC, 18890 OTLP/HTTP, each overridable with
    /// Dashboard:Frontend:Port, Dashboard:Otlp:GrpcPort, Dashboard:Otlp:HttpPort). Every project of the
    /// app sends it telemetry through the standard OTEL_* variables.
    /// </summary>
    public static IResourceBuilder<DashboardResource> AddDashboard(this DistributedApplicationBuilder builder, string name = "dashboard", string projectPath = "Dashboard/Dashboard.csproj")
    {
        var token = builder.Configuration["Dashboard:Frontend:BrowserToken"];
        var dashboard = new DashboardResource(name, projectPath, string.IsNullOrEmpty(token) ? Secrets.NewSecret() : token);
        dashboard.Annotations.Add(new EndpointAnnotation("http", builder.Configuration.GetPort("Dashboard:Frontend:Port", 18888)));
        dashboard.Annotations.Add(new EndpointAnnotation("otlp-grpc", builder.Configuration.GetPort("Dashboard:Otlp:GrpcPort", 18889), http2Only: true));
        dashboard.Annotations.Add(new EndpointAnnotation("otlp-http", builder.Configuration.GetPort("Dashboard:Otlp:HttpPort", 18890)));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__Frontend__EndpointUrl", () => dashboard.Frontend.Url));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__Frontend__BrowserToken", () => dashboard.BrowserToken, IsSecret: true));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__Otlp__GrpcEndpointUrl", () => dashboard.OtlpGrpc.Url));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__Otlp__HttpEndpointUrl", () => dashboard.OtlpHttp.Url));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__Otlp__PrimaryApiKey", () => dashboard.OtlpApiKey, IsSecret: true));
        dashboard.Annotations.Add(new EnvironmentAnnotation("Dashboard__ResourceService__Url", () => dashboard.ResourceServiceUrl ?? ""));
        return builder.AddResource(dashboard);
    }

    private static int? GetPort(this Microsoft.Extensions.Configuration.IConfiguration configuration, string key, int fallback)
    {
        var value = configuration[key];
        return value switch
        {
            null or "" => fallback,
            "0" => null, // 0: pick a free port
            _ when int.TryParse(value, out var port) && port is > 0 and < 65536 => port,
            _ => throw new InvalidOperationException($"{key} must be a port number (or 0 for a free one), not '{value}'."),
        };
    }
}
