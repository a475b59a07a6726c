using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>Converts an OTLP metrics export into data points per resource and instrument.</summary>
public sealed class OtlpMetricsIngest(TelemetryStore store, OtlpAttributeConverter converter)
{
    public OtlpIngestResult Ingest(ExportMetricsServiceRequest request)
    {
        var rejections = new RejectionCounter();
        var accepted = 0;

        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = converter.ResolveResource(resourceMetrics.Resource);
            var items = new List<MetricBatchItem>();
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = converter.ResolveScope(scopeMetrics.Scope);
                foreach (var metric in scopeMetrics.Metrics)
                {
                    if (string.IsNullOrEmpty(metric.Name))
                    {
                        rejections.Reject("metric", "name is empty");
                        continue;
                    }

                    if (metric.DataCase == Metric.DataOneofCase.None)
                    {
                        rejections.Reject($"metric '{metric.Name}'", "has no data");
                        continue;
                    }

                    foreach (var item in Convert(metric, scope))
                    {
                        items.Add(item);
                    }
                }
            }

            if (items.Count > 0)
            {
                store.AddMetricPoints(resource, items);
                accepted += items.Count;
            }
        }

        return new OtlpIngestResult(accepted, rejections.Count, rejections.FirstError);
    }

    private IEnumerable<MetricBatchItem> Convert(Metric metric, InstrumentationScopeInfo scope)
    {
        var name = store.Strings.Intern(converter.Truncate(metric.Name));
        var description = string.IsNullOrEmpty(metric.Description) ? null : converter.Truncate(metric.Description);
        var unit = string.IsNullOrEmpty(metric.Unit) ? null : converter.Truncate(metric.Unit);
        MetricBatchItem Item(MetricType type, bool monotonic, AggregationTemporality? temporality, MetricPoint point) =>
            new(scope, name, description, unit, type, monotonic, TemporalityName(temporality), point);

        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var p in metric.Gauge.DataPoints)
                {
                    yield return Item(MetricType.Gauge, false, null, NumberPoint(p));
                }

                break;
            case Metric.DataOneofCase.Sum:
                foreach (var p in metric.Sum.DataPoints)
                {
                    yield return Item(MetricType.Sum, metric.Sum.IsMonotonic, metric.Sum.AggregationTemporality, NumberPoint(p));
                }

                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var p in metric.Histogram.DataPoints)
                {
                    yield return Item(MetricType.Histogram, false, metric.Histogram.AggregationTemporality, new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, converter.Convert(p.Attributes),
                        Count: p.Count, Sum: p.HasSum ? p.Sum : null, Min: p.HasMin ? p.Min : null, Max: p.HasMax ? p.Max : null,
                        BucketCounts: [.. p.BucketCounts], ExplicitBounds: [.. p.ExplicitBounds], Exemplars: Exemplars(p.Exemplars)));
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    yield return Item(MetricType.ExponentialHistogram, false, metric.ExponentialHistogram.AggregationTemporality, new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, converter.Convert(p.Attributes),
                        Count: p.Count, Sum: p.HasSum ? p.Sum : null, Min: p.HasMin ? p.Min : null, Max: p.HasMax ? p.Max : null,
                        Exemplars: Exemplars(p.Exemplars)));
                }

                break;
            case Metric.DataOneofCase.Summary:
                foreach (var p in metric.Summary.DataPoints)
                {
                    yield return Item(MetricType.Summary, false, null, new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, converter.Convert(p.Attributes),
                        Count: p.Count, Sum: p.Sum,
                        Quantiles: [.. p.QuantileValues.Select(q => KeyValuePair.Create(q.Quantile, q.Value))]));
                }

                break;
        }
    }

    private MetricPoint NumberPoint(NumberDataPoint p) => new(
        (long)p.StartTimeUnixNano,
        (long)p.TimeUnixNano,
        converter.Convert(p.Attributes),
        Value: p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble,
        Exemplars: Exemplars(p.Exemplars));

    private static MetricExemplar[]? Exemplars(RepeatedField<Exemplar> exemplars) => exemplars.Count == 0 ? null :
    [
        .. exemplars.Select(e => new MetricExemplar(
            (long)e.TimeUnixNano,
            e.ValueCase == Exemplar.ValueOneofCase.AsInt ? e.AsInt : e.AsDouble,
            e.TraceId.Length == 16 ? TraceId.FromBytes(e.TraceId.Span) : null,
            e.SpanId.Length == 8 ? SpanId.FromBytes(e.SpanId.Span) : 0)),
    ];

    private static string? TemporalityName(AggregationTemporality? temporality) => temporality switch
    {
        AggregationTemporality.Delta => "delta",
        AggregationTemporality.Cumulative => "cumulative",
        _ => null,
    };
}
