using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The real OpenTelemetry .NET SDK with its OTLP exporter, pointed at a test Trace Lab.</summary>
public static class OtlpPipelines
{
    public static TracerProvider Traces(TraceLabServer server, OtlpExportProtocol protocol, string serviceName, string sourceName, string? apiKey = TraceLabServer.ApiKey) =>
        Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: serviceName + "-1"))
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o => Configure(o, server, protocol, "/v1/traces", apiKey))
            .Build();

    public static MeterProvider Metrics(TraceLabServer server, OtlpExportProtocol protocol, string serviceName, string meterName) =>
        Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: serviceName + "-1"))
            .AddMeter(meterName)
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, server, protocol, "/v1/metrics", TraceLabServer.ApiKey);
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build();

    public static ILoggerFactory Logs(TraceLabServer server, OtlpExportProtocol protocol, string serviceName) =>
        LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName, serviceInstanceId: serviceName + "-1"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Configure(e, server, protocol, "/v1/logs", TraceLabServer.ApiKey));
        }));

    private static void Configure(OtlpExporterOptions options, TraceLabServer server, OtlpExportProtocol protocol, string signalPath, string? apiKey)
    {
        options.Protocol = protocol;
        // Set in code, the HTTP exporter's endpoint is the full signal URL; gRPC's is the server root.
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? new Uri(server.OtlpGrpcUrl) : new Uri(server.OtlpHttpUrl + signalPath);
        options.Headers = apiKey is null ? null : $"x-otlp-api-key={apiKey}";
        options.ExportProcessorType = ExportProcessorType.Simple;
    }
}
