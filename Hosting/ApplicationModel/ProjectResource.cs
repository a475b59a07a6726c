namespace DistributedTracing.Hosting.ApplicationModel;

/// <summary>A .NET project of the solution, launched from its build output as its own process.</summary>
public class ProjectResource(string name, string projectPath) : Resource(name)
{
    public override string Type => "project";

    /// <summary>The .csproj, relative to the solution root or absolute.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>Where health is probed: <c>/health</c> on the HTTP/1.1 endpoint.</summary>
    public virtual EndpointAnnotation HealthEndpoint => AnnotationsOf<EndpointAnnotation>().First(e => !e.Http2Only);

    /// <summary>False for projects that read their listeners from their own settings (the dashboard).</summary>
    public virtual bool UsesKestrelEndpointSettings => true;
}

/// <summary>The dashboard: a project with a frontend and two OTLP listeners, a browser token and an OTLP key.</summary>
public sealed class DashboardResource(string name, string projectPath, string browserToken) : ProjectResource(name, projectPath)
{
    public override string Type => "dashboard";

    public string BrowserToken { get; } = browserToken;

    public string OtlpApiKey { get; } = Secrets.NewSecret();

    public EndpointAnnotation Frontend => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "http");

    public EndpointAnnotation OtlpGrpc => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "otlp-grpc");

    public EndpointAnnotation OtlpHttp => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "otlp-http");

    public override bool UsesKestrelEndpointSettings => false;

    public string LoginUrl => $"{Frontend.Url}/login?t={BrowserToken}";

    /// <summary>The engine's resource API (state, environment, console output), for the resources page.</summary>
    public string? ResourceServiceUrl { get; internal set; }
}
