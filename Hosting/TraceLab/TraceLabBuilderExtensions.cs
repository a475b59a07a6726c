using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.TraceLab;

namespace Aspire.Hosting;

public static class TraceLabBuilderExtensions
{
    internal const string FrontendEndpointName = "http";
    internal const string OtlpGrpcEndpointName = "otlp-grpc";
    internal const string OtlpHttpEndpointName = "otlp-http";

    /// <summary>
    /// The Trace Lab, beside Aspire's dashboard, as the app's collector: in run mode every other resource
    /// that Aspire configures for OTLP exports to the Lab instead (and waits for it), and the Lab forwards
    /// what it receives to Aspire's dashboard through the OTLP settings Aspire gives it. Its browser token is
    /// the Aspire dashboard's, so one login line opens both; where Aspire has none (publish mode, tests
    /// without the dashboard) the Lab gets a generated one, which nothing prints.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddTraceLab<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name = "tracelab")
        where TProject : IProjectMetadata, new()
    {
        var otlpApiKey = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-otlp-api-key", special: false);
        var browserToken = builder.Configuration["AppHost:BrowserToken"] is { Length: > 0 } aspireToken
            ? aspireToken
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // A published app gets a parameter to set at deployment, not a value written into its manifest.
        object browserTokenValue = builder.ExecutionContext.IsPublishMode
            ? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-browser-token", special: false)
            : browserToken;
        // Where the AppHost serves Aspire's dashboard in run mode (its launch profile's applicationUrl).
        var aspireDashboardUrl = builder.ExecutionContext.IsRunMode
            ? builder.Configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            : null;

        var lab = builder.AddProject<TProject>(name)
            // Not proxied: OTLP at full speed, straight to the Lab's own listeners.
            .WithHttpEndpoint(name: FrontendEndpointName, isProxied: false)
            .WithHttpEndpoint(name: OtlpGrpcEndpointName, isProxied: false)
            .WithEndpoint(OtlpGrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(name: OtlpHttpEndpointName, isProxied: false)
            .WithEnvironment(context =>
            {
                // The Lab sets up its own listeners from these, each with its protocols and its routes.
                context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
                var lab = (IResourceWithEndpoints)context.Resource;
                context.EnvironmentVariables["TraceLab__Frontend__EndpointUrl"] = lab.GetEndpoint(FrontendEndpointName).Property(EndpointProperty.Url);
                context.EnvironmentVariables["TraceLab__Otlp__GrpcEndpointUrl"] = lab.GetEndpoint(OtlpGrpcEndpointName).Property(EndpointProperty.Url);
                context.EnvironmentVariables["TraceLab__Otlp__HttpEndpointUrl"] = lab.GetEndpoint(OtlpHttpEndpointName).Property(EndpointProperty.Url);
                context.EnvironmentVariables["TraceLab__Otlp__PrimaryApiKey"] = otlpApiKey;
                context.EnvironmentVariables["TraceLab__Frontend__BrowserToken"] = browserTokenValue;
                if (aspireDashboardUrl is not null)
                {
                    context.EnvironmentVariables["TraceLab__AspireDashboardUrl"] = aspireDashboardUrl;
                }
            })
            .WithHttpHealthCheck("/health", endpointName: FrontendEndpointName)
            // The link in Aspire's dashboard signs in with the token its viewer already signed in with.
            .WithUrlForEndpoint(FrontendEndpointName, url =>
            {
                url.DisplayText = "Trace Lab";
                url.Url = $"{url.Url.TrimEnd('/')}/login?t={browserToken}";
            });

        // For the AppHost's own exporters (Hosting/Monitoring).
        lab.WithAnnotation(new TraceLabOtlpAnnotation(lab.GetEndpoint(OtlpGrpcEndpointName), otlpApiKey));

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            if (builder.ExecutionContext.IsRunMode)
            {
                foreach (var resource in @event.Model.Resources.Where(r => r != lab.Resource && r.HasAnnotationOfType<OtlpExporterAnnotation>()))
                {
                    ExportToTraceLab(builder, resource, lab, otlpApiKey);
                }
            }

            return Task.CompletedTask;
        });

        return lab;
    }

    /// <summary>
    /// Points a resource's OTLP exporter at the Lab. Added after Aspire's own OTLP callback, so it overrides
    /// the endpoint, protocol and key and keeps the rest (service name, instance id, export intervals).
    /// </summary>
    private static void ExportToTraceLab(IDistributedApplicationBuilder builder, IResource resource, IResourceBuilder<ProjectResource> lab, ParameterResource otlpApiKey)
    {
        resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
        {
            context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = lab.Resource.GetEndpoint(OtlpGrpcEndpointName).Property(EndpointProperty.Url);
            context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
            context.EnvironmentVariables["OTEL_EXPORTER_OTLP_HEADERS"] = ReferenceExpression.Create($"x-otlp-api-key={otlpApiKey}");
        }));

        if (resource is IResourceWithWaitSupport waiting)
        {
            builder.CreateResourceBuilder(waiting).WaitFor(lab);
        }
    }
}
