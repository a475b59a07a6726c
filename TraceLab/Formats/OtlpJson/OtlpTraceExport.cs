using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace DistributedTracing.TraceLab.Formats.OtlpJson;

/// <summary>Rebuilds a stored trace as an OTLP export request, so it can be downloaded and sent again.</summary>
public static class OtlpTraceExport
{
    public static ExportTraceServiceRequest ToRequest(TraceSnapshot trace)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var byResource in trace.Spans.GroupBy(s => s.Resource))
        {
            var resourceSpans = new ResourceSpans { Resource = new Resource() };
            resourceSpans.Resource.Attributes.Add(byResource.Key.Attributes.Select(ToKeyValue));
            foreach (var byScope in byResource.GroupBy(s => s.Scope))
            {
                var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = byScope.Key.Name, Version = byScope.Key.Version } };
                scopeSpans.Spans.Add(byScope.OrderBy(s => s.StartUnixNano).Select(ToProto));
                resourceSpans.ScopeSpans.Add(scopeSpans);
            }

            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    private static ProtoSpan ToProto(SpanRecord span)
    {
        var proto = new ProtoSpan
        {
            TraceId = ByteString.CopyFrom(span.TraceId.ToBytes()),
            SpanId = ByteString.CopyFrom(Telemetry.SpanId.ToBytes(span.SpanId)),
            ParentSpanId = span.ParentSpanId == 0 ? ByteString.Empty : ByteString.CopyFrom(Telemetry.SpanId.ToBytes(span.ParentSpanId)),
            TraceState = span.TraceState ?? "",
            Flags = span.Flags,
            Name = span.Name,
            Kind = (ProtoSpan.Types.SpanKind)span.Kind,
            StartTimeUnixNano = (ulong)span.StartUnixNano,
            EndTimeUnixNano = (ulong)span.EndUnixNano,
            DroppedAttributesCount = (uint)span.DroppedAttributesCount,
            Status = new Status { Code = (Status.Types.StatusCode)span.StatusCode, Message = span.StatusMessage ?? "" },
        };
        proto.Attributes.Add(span.Attributes.ToArray().Select(ToKeyValue));
        foreach (var e in span.Events)
        {
            var protoEvent = new ProtoSpan.Types.Event { Name = e.Name, TimeUnixNano = (ulong)e.TimeUnixNano };
            protoEvent.Attributes.Add(e.Attributes.Select(ToKeyValue));
            proto.Events.Add(protoEvent);
        }

        foreach (var link in span.Links)
        {
            var protoLink = new ProtoSpan.Types.Link
            {
                TraceId = ByteString.CopyFrom(link.TraceId.ToBytes()),
                SpanId = ByteString.CopyFrom(Telemetry.SpanId.ToBytes(link.SpanId)),
                TraceState = link.TraceState ?? "",
            };
            protoLink.Attributes.Add(link.Attributes.Select(ToKeyValue));
            proto.Links.Add(protoLink);
        }

        return proto;
    }

    private static KeyValue ToKeyValue(TelemetryAttribute attribute) => new() { Key = attribute.Key, Value = ToAnyValue(attribute.Value) };

    private static AnyValue ToAnyValue(object? value)
    {
        var any = new AnyValue();
        switch (value)
        {
            case string s: any.StringValue = s; break;
            case bool b: any.BoolValue = b; break;
            case long l: any.IntValue = l; break;
            case double d: any.DoubleValue = d; break;
            case byte[] bytes: any.BytesValue = ByteString.CopyFrom(bytes); break;
            case object?[] array:
                any.ArrayValue = new ArrayValue();
                any.ArrayValue.Values.Add(array.Select(ToAnyValue));
                break;
            case TelemetryAttribute[] map:
                any.KvlistValue = new KeyValueList();
                any.KvlistValue.Values.Add(map.Select(ToKeyValue));
                break;
        }

        return any;
    }
}
