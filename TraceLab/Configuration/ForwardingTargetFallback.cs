using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Configuration;

/// <summary>
/// Without <c>TraceLab:Forwarding:Endpoint</c>, the target is the one Aspire gives every process it starts:
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>_PROTOCOL</c> and <c>_HEADERS</c>. The target is taken whole from one
/// place or the other, never mixed, so Aspire's OTLP key is only ever sent to the endpoint it came with.
/// </summary>
public sealed class ForwardingTargetFallback(IConfiguration configuration) : IPostConfigureOptions<TraceLabOptions>
{
    public void PostConfigure(string? name, TraceLabOptions options)
    {
        var forwarding = options.Forwarding;
        if (!string.IsNullOrWhiteSpace(forwarding.Endpoint) || configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not { Length: > 0 } endpoint)
        {
            return;
        }

        forwarding.Endpoint = endpoint;
        forwarding.Protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        forwarding.Headers = configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        forwarding.FromOtelVariables = true;
    }
}
