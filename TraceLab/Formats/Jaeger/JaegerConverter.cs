using System.Text.Json;
using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Formats.Jaeger;

/// <summary>Stored traces in Jaeger's JSON format, following the OpenTelemetry-to-Jaeger mapping.</summary>
public static class JaegerConverter
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JaegerTrace ToJaeger(TraceSnapshot trace)
    {
        var processIds = new Dictionary<TelemetryResource, string>();
        var processes = new Dictionary<string, JaegerProcess>();
        foreach (var span in trace.Spans)
        {
            if (!processIds.ContainsKey(span.Resource))
            {
                var id = $"p{processIds.Count + 1}";
                processIds[span.Resource] = id;
                processes[id] = new JaegerProcess(
                    span.Resource.ServiceName,
                    [.. span.Resource.Attributes.Where(a => a.Key != "service.name").Select(ToKeyValue)]);
            }
        }

        var spans = trace.Spans
            .OrderBy(s => s.StartUnixNano)
            .Select(span => ToJaeger(span, processIds[span.Resource]))
            .ToList();
        return new JaegerTrace(trace.TraceId.ToString(), spans, processes, null);
    }

    private static JaegerSpan ToJaeger(SpanRecord span, string processId)
    {
        var traceId = span.TraceId.ToString();
        var references = new List<JaegerReference>(1 + span.Links.Length);
        if (span.ParentSpanId != 0)
        {
            // Jaeger UI and Grafana take references[0] as the parent, so CHILD_OF comes first.
            references.Add(new JaegerReference("CHILD_OF", traceId, SpanId.ToHex(span.ParentSpanId)));
        }

        references.AddRange(span.Links.Select(l => new JaegerReference("FOLLOWS_FROM", l.TraceId.ToString(), SpanId.ToHex(l.SpanId))));

        var tags = new List<JaegerKeyValue>(span.Attributes.Count + 5);
        tags.AddRange(span.Attributes.ToArray().Select(ToKeyValue));
        tags.Add(new JaegerKeyValue("span.kind", "string", SpanKindNames.Of(span.Kind)));
        if (span.Scope.Name.Length > 0)
        {
            tags.Add(new JaegerKeyValue("otel.scope.name", "string", span.Scope.Name));
            if (span.Scope.Version.Length > 0)
            {
                tags.Add(new JaegerKeyValue("otel.scope.version", "string", span.Scope.Version));
            }
        }

        if (span.StatusCode != SpanStatusCode.Unset)
        {
            tags.Add(new JaegerKeyValue("otel.status_code", "string", span.StatusCode == SpanStatusCode.Error ? "ERROR" : "OK"));
        }

        if (span.StatusCode == SpanStatusCode.Error)
        {
            tags.Add(new JaegerKeyValue("error", "bool", true));
        }

        if (span.StatusMessage is not null)
        {
            tags.Add(new JaegerKeyValue("otel.status_description", "string", span.StatusMessage));
        }

        var logs = span.Events.Select(e => new JaegerLog(
            TelemetryTime.ToUnixMicros(e.TimeUnixNano),
            [new JaegerKeyValue("event", "string", e.Name), .. e.Attributes.Select(ToKeyValue)])).ToList();

        return new JaegerSpan(
            traceId,
            SpanId.ToHex(span.SpanId),
            span.Flags & 0xFF,
            span.Name,
            references,
            TelemetryTime.ToUnixMicros(span.StartUnixNano),
            TelemetryTime.ToUnixMicros(span.EndUnixNano) - TelemetryTime.ToUnixMicros(span.StartUnixNano),
            tags,
            logs,
            processId,
            null);
    }

    private static JaegerKeyValue ToKeyValue(TelemetryAttribute attribute) => attribute.Value switch
    {
        string s => new JaegerKeyValue(attribute.Key, "string", s),
        bool b => new JaegerKeyValue(attribute.Key, "bool", b),
        long l => new JaegerKeyValue(attribute.Key, "int64", l),
        double d => new JaegerKeyValue(attribute.Key, "float64", d),
        byte[] bytes => new JaegerKeyValue(attribute.Key, "binary", Convert.ToBase64String(bytes)),
        // Jaeger has no arrays or maps: they travel as JSON text, as OpenTelemetry's Jaeger mapping says.
        _ => new JaegerKeyValue(attribute.Key, "string", attribute.ValueAsString),
    };
}
