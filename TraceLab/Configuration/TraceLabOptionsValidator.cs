using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Configuration;

/// <summary>Refuses to start with settings that would silently weaken security or break the store.</summary>
public sealed class TraceLabOptionsValidator : IValidateOptions<TraceLabOptions>
{
    public ValidateOptionsResult Validate(string? name, TraceLabOptions options)
    {
        var failures = new List<string>();

        if (options.Otlp.AuthMode == OtlpAuthMode.ApiKey && string.IsNullOrEmpty(options.Otlp.PrimaryApiKey))
        {
            failures.Add("TraceLab:Otlp:PrimaryApiKey is not set, so the OTLP endpoints would accept nothing. " +
                "Set it (environment variable TraceLab__Otlp__PrimaryApiKey), or set TraceLab:Otlp:AuthMode=Unsecured " +
                "to accept telemetry without a key.");
        }

        foreach (var (key, url) in new[]
        {
            ("TraceLab:Frontend:EndpointUrl", options.Frontend.EndpointUrl),
            ("TraceLab:Otlp:GrpcEndpointUrl", options.Otlp.GrpcEndpointUrl),
            ("TraceLab:Otlp:HttpEndpointUrl", options.Otlp.HttpEndpointUrl),
        })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                failures.Add($"{key} must be an http:// URL with a host and port, not '{url}'.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.AspireDashboardUrl) &&
            (!Uri.TryCreate(options.AspireDashboardUrl, UriKind.Absolute, out var aspire) || (aspire.Scheme != Uri.UriSchemeHttp && aspire.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"TraceLab:AspireDashboardUrl must be an http:// or https:// URL, not '{options.AspireDashboardUrl}'.");
        }

        var limits = options.TelemetryLimits;
        AddIfNotPositive(failures, "MaxTraceCount", limits.MaxTraceCount);
        AddIfNotPositive(failures, "MaxLogCount", limits.MaxLogCount);
        AddIfNotPositive(failures, "MaxSpansPerTrace", limits.MaxSpansPerTrace);
        AddIfNotPositive(failures, "MaxAttributeCount", limits.MaxAttributeCount);
        AddIfNotPositive(failures, "MaxMetricPointsPerResource", limits.MaxMetricPointsPerResource);
        AddIfNotPositive(failures, "MaxResourceCount", limits.MaxResourceCount);
        AddIfNotPositive(failures, "MaxEventsPerSpan", limits.MaxEventsPerSpan);
        AddIfNotPositive(failures, "MaxLinksPerSpan", limits.MaxLinksPerSpan);
        AddIfNotPositive(failures, "MaxSpanBytes", limits.MaxSpanBytes);
        AddIfNotPositive(failures, "MaxLogBytes", limits.MaxLogBytes);
        AddIfNotPositive(failures, "MaxMetricBytes", limits.MaxMetricBytes);
        AddIfNotPositive(failures, "Otlp:MaxConcurrentBodyReads", options.Otlp.MaxConcurrentBodyReads, "TraceLab:");
        if (limits.MaxAttributeLength is { } length)
        {
            AddIfNotPositive(failures, "MaxAttributeLength", length);
        }

        AddIfNotPositive(failures, "Otlp:MaxRequestBodySize", options.Otlp.MaxRequestBodySize, "TraceLab:");
        ForwardingOptionsValidation.AddFailures(failures, options);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfNotPositive(List<string> failures, string key, long value, string prefix = "TraceLab:TelemetryLimits:")
    {
        if (value <= 0)
        {
            failures.Add($"{prefix}{key} must be a positive number, not {value}.");
        }
    }
}
