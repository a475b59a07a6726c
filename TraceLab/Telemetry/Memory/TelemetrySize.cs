namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// Estimates of the bytes a stored item keeps alive on a 64-bit runtime, for the store's memory budgets.
/// Rounded up rather than down: the budgets are promises about the most memory the Trace Lab uses. Every
/// string is counted where it is used, even when interned: sharing only makes the true figure smaller.
/// </summary>
public static class TelemetrySize
{
    /// <summary>Object header and method table pointer.</summary>
    public const int ObjectHeader = 16;

    /// <summary>A stored span beyond its strings and attributes: the record, its slot in the trace and its id in the trace's set.</summary>
    public const int SpanOverhead = 480;

    /// <summary>A trace with no spans: the record, its lists, sets and its entries in the store's table and queue.</summary>
    public const int TraceOverhead = 1_200;

    /// <summary>An entry in a hash set, dictionary or list of a stored item.</summary>
    public const int SetEntry = 32;

    /// <summary>A log record beyond its body and attributes.</summary>
    public const int LogOverhead = 160;

    /// <summary>A metric point beyond its attributes and arrays.</summary>
    public const int MetricPointOverhead = 160;

    public static long Of(string? value) => value is null ? 0 : ObjectHeader + 8 + 2L * value.Length;

    public static long Of(object? value) => value switch
    {
        null => 0,
        string s => Of(s),
        byte[] bytes => ObjectHeader + 8 + bytes.Length,
        object?[] array => OfArray(array),
        TelemetryAttribute[] map => Of(map),
        _ => ObjectHeader + 8, // a boxed number or bool
    };

    public static long Of(TelemetryAttribute[] attributes)
    {
        long size = ObjectHeader + 8 + 16L * attributes.Length;
        foreach (var attribute in attributes)
        {
            size += Of(attribute.Key) + Of(attribute.Value);
        }

        return size;
    }

    /// <summary>
    /// What a stored span costs, with a quarter more for the collector's headroom: calibrated so that the
    /// benchmark's resident growth per span (about 970 bytes for spans of 10 attributes) stays below it.
    /// </summary>
    public static long Of(SpanRecord span)
    {
        var size = SpanOverhead + Of(span.Name) + span.Attributes.EstimatedBytes + Of(span.StatusMessage) + Of(span.TraceState);
        foreach (var spanEvent in span.Events)
        {
            size += ObjectHeader + 32 + Of(spanEvent.Name) + Of(spanEvent.Attributes);
        }

        foreach (var link in span.Links)
        {
            size += ObjectHeader + 48 + Of(link.TraceState) + Of(link.Attributes);
        }

        return WithHeadroom(size);
    }

    public static long Of(LogEntry log) => WithHeadroom(
        LogOverhead + Of(log.SeverityText) + Of(log.Body) + Of(log.Attributes) + Of(log.EventName) + log.Resource.EstimatedBytes + Of(log.Scope));

    public static long Of(MetricPoint point) => WithHeadroom(
        MetricPointOverhead + Of(point.Attributes) + 8L * (point.BucketCounts?.Length ?? 0) + 8L * (point.ExplicitBounds?.Length ?? 0) +
        16L * (point.Quantiles?.Length ?? 0) + 64L * (point.Exemplars?.Length ?? 0));

    /// <summary>Room the garbage collector needs beside live objects: a quarter more.</summary>
    private static long WithHeadroom(long bytes) => bytes + (bytes / 4);

    public static long Of(TelemetryResource resource) =>
        ObjectHeader + 64 + Of(resource.ServiceName) + Of(resource.InstanceId) + Of(resource.Id) + Of(resource.Attributes);

    public static long Of(InstrumentationScopeInfo scope) => ObjectHeader + 16 + Of(scope.Name) + Of(scope.Version);

    internal static long OfArray(object?[] array)
    {
        long size = ObjectHeader + 8 + 8L * array.Length;
        foreach (var item in array)
        {
            size += Of(item);
        }

        return size;
    }
}
