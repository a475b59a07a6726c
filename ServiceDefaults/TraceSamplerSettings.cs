using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace DistributedTracing.ServiceDefaults;

/// <summary>
/// The sampler named by OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (the specification's values),
/// read explicitly so a wrong value stops the service with a clear message instead of being ignored.
/// </summary>
public static class TraceSamplerSettings
{
    public static Sampler FromConfiguration(IConfiguration configuration)
    {
        var name = configuration["OTEL_TRACES_SAMPLER"];
        var argument = configuration["OTEL_TRACES_SAMPLER_ARG"];
        return (name?.Trim().ToLowerInvariant() ?? "parentbased_always_on") switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(Ratio(argument)),
            "parentbased_always_on" or "" => new ParentBasedSampler(new AlwaysOnSampler()),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(Ratio(argument))),
            _ => throw new InvalidOperationException(
                $"OTEL_TRACES_SAMPLER '{name}' is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio."),
        };
    }

    private static double Ratio(string? argument)
    {
        if (string.IsNullOrWhiteSpace(argument))
        {
            return 1.0;
        }

        return double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"OTEL_TRACES_SAMPLER_ARG '{argument}' must be a number from 0 to 1.");
    }
}
