using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class TraceSamplerExtensions
{
    /// <summary>
    /// In Development Aspire gives every project <c>OTEL_TRACES_SAMPLER=always_on</c>. When the AppHost's own
    /// configuration names a sampler (<c>OTEL_TRACES_SAMPLER</c>, and <c>OTEL_TRACES_SAMPLER_ARG</c>, from its
    /// environment or command line), that one reaches every project instead, so the sampling lesson works.
    /// </summary>
    public static IDistributedApplicationBuilder UseConfiguredTraceSampler(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            if (builder.Configuration["OTEL_TRACES_SAMPLER"] is not { Length: > 0 } sampler)
            {
                return Task.CompletedTask;
            }

            var argument = builder.Configuration["OTEL_TRACES_SAMPLER_ARG"];
            foreach (var resource in @event.Model.Resources.Where(r => r.HasAnnotationOfType<OtlpExporterAnnotation>()))
            {
                // Added after Aspire's OTLP callback, so it has the last word.
                resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                {
                    context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = sampler;
                    if (!string.IsNullOrEmpty(argument))
                    {
                        context.EnvironmentVariables["OTEL_TRACES_SAMPLER_ARG"] = argument;
                    }
                }));
            }

            return Task.CompletedTask;
        });

        return builder;
    }
}
