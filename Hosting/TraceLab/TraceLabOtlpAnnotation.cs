using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.TraceLab;

/// <summary>
/// Marks the Trace Lab and says how to export to it: its OTLP/gRPC endpoint and the API key it asks for.
/// The AppHost's own exporters (live queue depths) resolve both at run time, as the services' environment does.
/// </summary>
public sealed class TraceLabOtlpAnnotation(EndpointReference otlpGrpcEndpoint, ParameterResource apiKey) : IResourceAnnotation
{
    public EndpointReference OtlpGrpcEndpoint { get; } = otlpGrpcEndpoint;

    public ParameterResource ApiKey { get; } = apiKey;
}
