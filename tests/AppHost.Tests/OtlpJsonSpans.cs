using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests;

/// <summary>One span of an OTLP/JSON answer (Aspire's dashboard telemetry API), with its resource's service name.</summary>
public sealed record OtlpJsonSpan(string Service, JsonNode Span)
{
    public const int Server = 2;
    public const int Consumer = 5;

    public string TraceId => Span["traceId"].Str();

    public string SpanId => Span["spanId"].Str();

    public int Kind => Span["kind"]?.GetValue<int>() ?? 0;

    public bool HasParent => Span["parentSpanId"]?.GetValue<string>() is { Length: > 0 };

    public string? Attribute(string key) =>
        Span["attributes"]?.AsArray().FirstOrDefault(a => a!["key"].Str() == key)?["value"]?["stringValue"]?.GetValue<string>();

    /// <summary>Every span of <c>data.resourceSpans[].scopeSpans[].spans[]</c>.</summary>
    public static IReadOnlyList<OtlpJsonSpan> All(JsonNode response) =>
    [
        .. from resourceSpans in response["data"]!["resourceSpans"].Items()
           let service = resourceSpans["resource"]?["attributes"]?.AsArray()
               .FirstOrDefault(a => a!["key"].Str() == "service.name")?["value"]?["stringValue"]?.GetValue<string>() ?? ""
           from scopeSpans in resourceSpans["scopeSpans"].Items()
           from span in scopeSpans["spans"].Items()
           select new OtlpJsonSpan(service, span),
    ];
}
