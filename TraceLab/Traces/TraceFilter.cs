using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Traces;

/// <summary>
/// The filters of the traces list. A trace matches when all given filters match; span-level filters
/// (text, attributes) match when any one span does.
/// </summary>
public sealed record TraceFilter
{
    private readonly TextQuery? _text;

    public string? Service { get; init; }

    public string? Operation { get; init; }

    /// <summary>Case-insensitive substring of a span name, status message or attribute value.</summary>
    public string? Text
    {
        get => _text?.Text;
        init => _text = value is null ? null : new TextQuery(value);
    }

    public long? MinDurationNano { get; init; }

    public long? MaxDurationNano { get; init; }

    public bool ErrorsOnly { get; init; }

    public long? StartFromUnixNano { get; init; }

    public long? StartToUnixNano { get; init; }

    /// <summary>Key/value pairs a span (its attributes, resource attributes, or span.kind/error) must carry.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; } = [];

    public bool Matches(TraceRecord trace)
    {
        if (trace.SpanCount == 0)
        {
            return false;
        }

        var duration = trace.EndUnixNano - trace.StartUnixNano;
        if ((ErrorsOnly && !trace.HasError) ||
            (MinDurationNano is { } min && duration < min) ||
            (MaxDurationNano is { } max && duration > max) ||
            (StartFromUnixNano is { } from && trace.StartUnixNano < from) ||
            (StartToUnixNano is { } to && trace.StartUnixNano > to) ||
            (Service is not null && !trace.Services.Any(s => s.ServiceName == Service)))
        {
            return false;
        }

        if (Operation is not null && !trace.Spans.Any(s => s.Name == Operation && (Service is null || s.ServiceName == Service)))
        {
            return false;
        }

        if (_text is { } text && !trace.Spans.Any(s => SpanContainsText(s, text)))
        {
            return false;
        }

        foreach (var (key, value) in Attributes)
        {
            if (!trace.Spans.Any(s => SpanHasTag(s, key, value)))
            {
                return false;
            }
        }

        return true;
    }

    public static bool SpanContainsText(SpanRecord span, TextQuery text) =>
        span.Name.Contains(text.Text, StringComparison.OrdinalIgnoreCase) ||
        (span.StatusMessage?.Contains(text.Text, StringComparison.OrdinalIgnoreCase) ?? false) ||
        span.Attributes.AnyValueContains(text);

    private static bool SpanHasTag(SpanRecord span, string key, string value) => key switch
    {
        "span.kind" => SpanKindNames.Of(span.Kind) == value,
        "error" => (span.StatusCode == SpanStatusCode.Error) == (value == "true"),
        "otel.status_code" => span.StatusCode.ToString().Equals(value, StringComparison.OrdinalIgnoreCase),
        "service.name" => span.ServiceName == value,
        _ => span.Attributes.Find(key) == value || TelemetryAttribute.Find(span.Resource.Attributes, key) == value,
    };
}
