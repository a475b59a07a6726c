namespace DistributedTracing.TraceLab.Telemetry;

public enum MetricType
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>One instrument of one resource, with its most recent data points.</summary>
public sealed class MetricInstrument(string name, string? description, string? unit, MetricType type, InstrumentationScopeInfo scope)
{
    private readonly Queue<MetricPoint> _points = new();

    public string Name { get; } = name;

    public string? Description { get; } = description;

    public string? Unit { get; } = unit;

    public MetricType Type { get; } = type;

    public InstrumentationScopeInfo Scope { get; } = scope;

    public bool IsMonotonic { get; internal set; }

    /// <summary>"delta" or "cumulative" for sums and histograms.</summary>
    public string? Temporality { get; internal set; }

    public int PointCount => _points.Count;

    internal void Add(MetricPoint point) => _points.Enqueue(point);

    internal MetricPoint RemoveOldest() => _points.Dequeue();

    internal MetricPoint[] SnapshotPoints() => [.. _points];
}

/// <summary>
/// One data point. Number points fill <see cref="Value"/>; histograms fill count, sum, min, max and buckets;
/// summaries fill count, sum and quantiles.
/// </summary>
public sealed record MetricPoint(
    long StartUnixNano,
    long TimeUnixNano,
    TelemetryAttribute[] Attributes,
    double? Value = null,
    ulong? Count = null,
    double? Sum = null,
    double? Min = null,
    double? Max = null,
    ulong[]? BucketCounts = null,
    double[]? ExplicitBounds = null,
    KeyValuePair<double, double>[]? Quantiles = null,
    MetricExemplar[]? Exemplars = null);

/// <summary>A sampled measurement tied to the span that was current when it was recorded.</summary>
public sealed record MetricExemplar(long TimeUnixNano, double Value, TraceId? TraceId, ulong SpanId);
