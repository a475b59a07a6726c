using DistributedTracing.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace DistributedTracing.AppHost.Tests;

/// <summary>Pieces of the engine and of ServiceDefaults that need no servers.</summary>
public sealed class HostingUnitTests
{
    [Theory]
    [InlineData("ConnectionStrings__usersdb", "Host=127.0.0.1;Port=5;Username=app;Password=s3cret;Database=usersdb", "Host=127.0.0.1;Port=5;Username=app;Password=********;Database=usersdb")]
    [InlineData("ConnectionStrings__messaging", "amqp://app:s3cret@127.0.0.1:5672", "amqp://app:********@127.0.0.1:5672")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=abc123", "x-otlp-api-key=********")]
    [InlineData("Dashboard__Otlp__PrimaryApiKey", "abc123", "********")]
    [InlineData("Dashboard__Frontend__BrowserToken", "abc123", "********")]
    [InlineData("OTEL_SERVICE_NAME", "gateway", "gateway")]
    public void Secrets_are_masked_for_display(string name, string value, string shown) =>
        Assert.Equal(shown, Secrets.MaskValue(name, value));

    [Theory]
    [InlineData(null, null, typeof(ParentBasedSampler))]
    [InlineData("always_on", null, typeof(AlwaysOnSampler))]
    [InlineData("always_off", null, typeof(AlwaysOffSampler))]
    [InlineData("traceidratio", "0.5", typeof(TraceIdRatioBasedSampler))]
    [InlineData("parentbased_traceidratio", "0.1", typeof(ParentBasedSampler))]
    public void The_sampler_follows_the_standard_variables(string? sampler, string? argument, Type expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = sampler,
            ["OTEL_TRACES_SAMPLER_ARG"] = argument,
        }).Build();
        Assert.IsType(expected, TraceSamplerSettings.FromConfiguration(configuration));
    }

    [Theory]
    [InlineData("sometimes", null, "OTEL_TRACES_SAMPLER")]
    [InlineData("traceidratio", "2", "OTEL_TRACES_SAMPLER_ARG")]
    [InlineData("traceidratio", "half", "OTEL_TRACES_SAMPLER_ARG")]
    public void A_wrong_sampler_setting_is_a_clear_error(string sampler, string? argument, string mentions)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = sampler,
            ["OTEL_TRACES_SAMPLER_ARG"] = argument,
        }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => TraceSamplerSettings.FromConfiguration(configuration));
        Assert.Contains(mentions, ex.Message);
    }
}
