using Microsoft.Extensions.Options;

namespace DistributedTracing.Dashboard.Configuration;

/// <summary>Refuses to start with settings that would silently weaken security or break the store.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var failures = new List<string>();

        if (options.Otlp.AuthMode == OtlpAuthMode.ApiKey && string.IsNullOrEmpty(options.Otlp.PrimaryApiKey))
        {
            failures.Add("Dashboard:Otlp:PrimaryApiKey is not set, so the OTLP endpoints would accept nothing. " +
                "Set it (environment variable Dashboard__Otlp__PrimaryApiKey), or set Dashboard:Otlp:AuthMode=Unsecured " +
                "to accept telemetry without a key.");
        }

        foreach (var (key, url) in new[]
        {
            ("Dashboard:Frontend:EndpointUrl", options.Frontend.EndpointUrl),
            ("Dashboard:Otlp:GrpcEndpointUrl", options.Otlp.GrpcEndpointUrl),
            ("Dashboard:Otlp:HttpEndpointUrl", options.Otlp.HttpEndpointUrl),
        })
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                failures.Add($"{key} must be an http:// URL with a host and port, not '{url}'.");
            }
        }

        var limits = options.TelemetryLimits;
        AddIfNotPositive(failures, "MaxTraceCount", limits.MaxTraceCount);
        AddIfNotPositive(failures, "MaxLogCount", limits.MaxLogCount);
        AddIfNotPositive(failures, "MaxSpansPerTrace", limits.MaxSpansPerTrace);
        AddIfNotPositive(failures, "MaxAttributeCount", limits.MaxAttributeCount);
        AddIfNotPositive(failures, "MaxMetricPointsPerResource", limits.MaxMetricPointsPerResource);
        if (limits.MaxAttributeLength is { } length)
        {
            AddIfNotPositive(failures, "MaxAttributeLength", length);
        }

        AddIfNotPositive(failures, "Otlp:MaxRequestBodySize", options.Otlp.MaxRequestBodySize, "Dashboard:");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfNotPositive(List<string> failures, string key, int value, string prefix = "Dashboard:TelemetryLimits:")
    {
        if (value <= 0)
        {
            failures.Add($"{prefix}{key} must be a positive number, not {value}.");
        }
    }
}
