using System.Diagnostics.Metrics;
using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.TraceLab;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// A monitored resource's figures as OTLP gauges from the AppHost to the Trace Lab, under the resource's
/// own name as service.name (so the Lab shows queue depths as <c>messaging</c>'s, not the AppHost's).
/// One meter and one MeterProvider per resource: a provider picks meters by name, so each keeps its own.
/// </summary>
public static class FigureMetricsExport
{
    public const string MeterNamePrefix = "DistributedTracing.AppHost.Monitoring.";
    private const int ExportIntervalMilliseconds = 1000;

    /// <summary>Exports until <paramref name="stopping"/>; waits for the Lab to run first, since its endpoint and key are known then.</summary>
    public static async Task RunAsync(ResourceFigureMonitor monitor, IReadOnlyList<FigureGauge> gauges, IResource lab,
        ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        var target = lab.Annotations.OfType<TraceLabOtlpAnnotation>().Single();
        try
        {
            await notifications.WaitForResourceAsync(lab.Name, KnownResourceStates.Running, stopping);
            var endpoint = await target.OtlpGrpcEndpoint.GetValueAsync(stopping);
            var apiKey = await target.ApiKey.GetValueAsync(stopping);

            using var meter = new Meter(MeterNamePrefix + monitor.Resource.Name);
            foreach (var gauge in gauges)
            {
                meter.CreateObservableGauge(gauge.Name, () => Observe(monitor, gauge.Name), gauge.Unit, gauge.Description);
            }

            using var provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(monitor.Resource.Name))
                .AddMeter(meter.Name)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(endpoint!);
                    exporter.Protocol = OtlpExportProtocol.Grpc;
                    exporter.Headers = $"x-otlp-api-key={apiKey}";
                    exporter.TimeoutMilliseconds = 3000;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = ExportIntervalMilliseconds;
                })
                .Build();
            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposing the provider sends the last points; the Lab may already be gone, which costs nothing.
        }
        catch (Exception e)
        {
            // The figures still show in Aspire's dashboard; only the Lab goes without them.
            logger.LogWarning("Cannot export the live figures of {Resource} to the Trace Lab: {Error}", monitor.Resource.Name, e.Message);
        }
    }

    private static IEnumerable<Measurement<long>> Observe(ResourceFigureMonitor monitor, string gauge) =>
        monitor.Latest.Where(f => f.Gauge == gauge).Select(f => new Measurement<long>(f.Value, f.Tags));
}
