using DistributedTracing.Dashboard.Telemetry;
using OpenTelemetry.Proto.Collector.Trace.V1;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace DistributedTracing.Dashboard.Otlp;

/// <summary>Validates and converts an OTLP trace export, then stores it in one batch.</summary>
public sealed class OtlpTraceIngest(TelemetryStore store, OtlpAttributeConverter converter)
{
    public OtlpIngestResult Ingest(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanRecord>();
        var rejections = new RejectionCounter();

        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = converter.ResolveResource(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = converter.ResolveScope(scopeSpans.Scope);
                foreach (var span in scopeSpans.Spans)
                {
                    if (TryConvert(span, resource, scope, out var record, out var error))
                    {
                        spans.Add(record);
                    }
                    else
                    {
                        rejections.Reject($"span '{span.Name}'", error);
                    }
                }
            }
        }

        var stored = spans.Count > 0 ? store.AddSpans(spans) : default;
        var firstError = rejections.FirstError ??
            (stored.DroppedOverLimit > 0 ? "trace is over Dashboard:TelemetryLimits:MaxSpansPerTrace; the spans beyond it were dropped" : null);
        return new OtlpIngestResult(spans.Count - stored.DroppedOverLimit, rejections.Count + stored.DroppedOverLimit, firstError);
    }

    private bool TryConvert(ProtoSpan span, TelemetryResource resource, InstrumentationScopeInfo scope, out SpanRecord record, out string error)
    {
        record = null!;
        if (!OtlpValidation.TryReadTraceId(span.TraceId, out var traceId, out var problem) ||
            !OtlpValidation.TryReadSpanId(span.SpanId, optional: false, out var spanId, out problem) ||
            !OtlpValidation.TryReadSpanId(span.ParentSpanId, optional: true, out var parentSpanId, out problem))
        {
            error = problem!;
            return false;
        }

        if (OtlpValidation.CheckSpanTimes(span.StartTimeUnixNano, span.EndTimeUnixNano) is { } timeError)
        {
            error = timeError;
            return false;
        }

        var links = new SpanLinkRecord[span.Links.Count];
        for (var i = 0; i < links.Length; i++)
        {
            var link = span.Links[i];
            if (!OtlpValidation.TryReadTraceId(link.TraceId, out var linkTraceId, out problem) ||
                !OtlpValidation.TryReadSpanId(link.SpanId, optional: false, out var linkSpanId, out problem))
            {
                error = "link " + problem;
                return false;
            }

            links[i] = new SpanLinkRecord(linkTraceId, linkSpanId, NullIfEmpty(link.TraceState), converter.Convert(link.Attributes));
        }

        var events = span.Events.Count == 0 ? [] : span.Events
            .Select(e => new SpanEventRecord(store.Strings.Intern(e.Name), (long)e.TimeUnixNano, converter.Convert(e.Attributes)))
            .ToArray();

        var attributes = CompactAttributes.From(converter.Convert(span.Attributes, out var dropped));
        record = new SpanRecord
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentSpanId,
            Name = store.Strings.Intern(span.Name),
            Kind = (SpanKind)Math.Clamp((int)span.Kind, 0, 5),
            StartUnixNano = (long)span.StartTimeUnixNano,
            EndUnixNano = (long)span.EndTimeUnixNano,
            Resource = resource,
            Scope = scope,
            Attributes = attributes,
            DroppedAttributesCount = dropped + (int)span.DroppedAttributesCount,
            StatusCode = (SpanStatusCode)Math.Clamp((int)(span.Status?.Code ?? 0), 0, 2),
            StatusMessage = NullIfEmpty(span.Status?.Message),
            TraceState = NullIfEmpty(span.TraceState),
            Flags = span.Flags,
            Events = events,
            Links = links,
        };
        error = "";
        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
