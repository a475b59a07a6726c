namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>One structured log record.</summary>
public sealed class LogEntry
{
    /// <summary>Order of arrival; the live feed and paging use it.</summary>
    public long Sequence { get; internal set; }

    /// <summary>Set by the store when it takes the record, for its memory budget.</summary>
    internal long EstimatedBytes { get; set; }

    public required long TimeUnixNano { get; init; }

    /// <summary>OTLP severity number 1–24 (0 when unspecified).</summary>
    public required int SeverityNumber { get; init; }

    public string? SeverityText { get; init; }

    public required string Body { get; init; }

    public required TelemetryAttribute[] Attributes { get; init; }

    public TraceId? TraceId { get; init; }

    public ulong SpanId { get; init; }

    public string? EventName { get; init; }

    public required TelemetryResource Resource { get; init; }

    public required InstrumentationScopeInfo Scope { get; init; }

    /// <summary>Level name from the severity number, as the OTLP log data model groups them.</summary>
    public string Level => LogLevels.FromSeverityNumber(SeverityNumber);
}

public static class LogLevels
{
    public static readonly string[] All = ["trace", "debug", "information", "warning", "error", "critical"];

    public static string FromSeverityNumber(int severityNumber) => severityNumber switch
    {
        >= 21 => "critical",
        >= 17 => "error",
        >= 13 => "warning",
        >= 9 => "information",
        >= 5 => "debug",
        >= 1 => "trace",
        _ => "unspecified",
    };

    /// <summary>The lowest severity number of a level name, for "this level and above" filters.</summary>
    public static int? MinimumSeverity(string level) => level.ToLowerInvariant() switch
    {
        "trace" => 1,
        "debug" => 5,
        "information" or "info" => 9,
        "warning" or "warn" => 13,
        "error" => 17,
        "critical" or "fatal" => 21,
        _ => null,
    };
}
