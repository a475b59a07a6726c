using DistributedTracing.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace DistributedTracing.AppHost.Tests;

/// <summary>ServiceDefaults' reading of the standard sampler variables: no servers needed.</summary>
public sealed class TraceSamplerSettingsTests
{
    [Theory]
    [InlineData(null, null, typeof(ParentBasedSampler))]
    [InlineData("always_on", null, typeof(AlwaysOnSampler))]
    [InlineData("always_off", null, typeof(AlwaysOffSampler))]
    [InlineData("traceidratio", "0.5", typeof(TraceIdRatioBasedSampler))]
    [InlineData("parentbased_traceidratio", "0.1", typeof(ParentBasedSampler))]
    public void The_sampler_follows_the_standard_variables(string? sampler, string? argument, Type expected) =>
        Assert.IsType(expected, TraceSamplerSettings.FromConfiguration(Configuration(sampler, argument)));

    [Theory]
    [InlineData("sometimes", null, "OTEL_TRACES_SAMPLER")]
    [InlineData("traceidratio", "2", "OTEL_TRACES_SAMPLER_ARG")]
    [InlineData("traceidratio", "half", "OTEL_TRACES_SAMPLER_ARG")]
    public void A_wrong_sampler_setting_is_a_clear_error(string sampler, string? argument, string mentions)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TraceSamplerSettings.FromConfiguration(Configuration(sampler, argument)));
        Assert.Contains(mentions, ex.Message);
    }

    private static IConfiguration Configuration(string? sampler, string? argument) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = sampler,
            ["OTEL_TRACES_SAMPLER_ARG"] = argument,
        }).Build();
}
