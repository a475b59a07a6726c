using System.Text;
using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Telemetry.Memory;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>
/// Decodes an ExportTraceServiceRequest from its wire bytes straight into stored spans. Written by hand
/// (see the note in README) because the general parser builds an object per attribute and per value,
/// about 3 KB of garbage per span, which set both the ingest rate and the resident memory. Here
/// attribute keys become numbers and string values are copied as UTF-8 into one array per span.
/// Rare parts (resource, scope, events, links, array and map values) still go through Google.Protobuf.
/// </summary>
internal sealed class OtlpSpanDecoder(TelemetryStore store, OtlpAttributeConverter converter, List<SpanRecord> spans, RejectionCounter rejections)
{
    private const int LengthDelimited = ProtoWireReader.LengthDelimited;

    public void DecodeRequest(ReadOnlySpan<byte> request)
    {
        var reader = new ProtoWireReader(request);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == ExportTraceServiceRequestField.ResourceSpans)
            {
                reader.Expect(field, wireType, LengthDelimited);
                DecodeResourceSpans(reader.ReadLengthDelimited());
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private void DecodeResourceSpans(ReadOnlySpan<byte> message)
    {
        // Field order is not guaranteed on the wire: find the resource before the spans that need it.
        var resource = FindMessage(message, ResourceSpansField.Resource, Resource.Parser);
        var telemetryResource = converter.ResolveResource(resource);
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == ResourceSpansField.ScopeSpans)
            {
                reader.Expect(field, wireType, LengthDelimited);
                DecodeScopeSpans(reader.ReadLengthDelimited(), telemetryResource);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private void DecodeScopeSpans(ReadOnlySpan<byte> message, TelemetryResource resource)
    {
        var scope = FindMessage(message, ScopeSpansField.Scope, InstrumentationScope.Parser);
        var scopeInfo = converter.ResolveScope(scope);
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == ScopeSpansField.Spans)
            {
                reader.Expect(field, wireType, LengthDelimited);
                DecodeSpan(reader.ReadLengthDelimited(), resource, scopeInfo);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    /// <summary>The last occurrence of a message field (protobuf's rule for repeated singular fields), or null.</summary>
    private static T? FindMessage<T>(ReadOnlySpan<byte> message, int fieldNumber, Google.Protobuf.MessageParser<T> parser)
        where T : class, Google.Protobuf.IMessage<T>
    {
        T? found = null;
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == fieldNumber)
            {
                reader.Expect(field, wireType, LengthDelimited);
                found = parser.ParseFrom(reader.ReadLengthDelimited());
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return found;
    }

    /// <summary>A span's fields as read from the wire, before they are checked and stored.</summary>
    private ref struct SpanFields
    {
        public ReadOnlySpan<byte> TraceId, SpanId, ParentSpanId, Name, TraceState;
        public ulong Kind, Start, End, StatusCode, SenderDroppedAttributes, SenderDroppedEvents, SenderDroppedLinks;
        public uint Flags;
        public int DroppedAttributes, DroppedEvents, DroppedLinks;
        public string? StatusMessage, LinkError;
        public List<SpanEventRecord>? Events;
        public List<SpanLinkRecord>? Links;
    }

    private void DecodeSpan(ReadOnlySpan<byte> message, TelemetryResource resource, InstrumentationScopeInfo scope)
    {
        var span = new SpanFields();
        var attributes = CompactAttributesWriter.Rent();
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            ReadSpanField(ref reader, field, wireType, ref span, attributes);
        }

        var name = span.Name.Length == 0 ? "" : store.Strings.Intern(converter.Truncate(span.Name));
        var error = CheckIds(span.TraceId, span.SpanId, span.ParentSpanId) ?? OtlpValidation.CheckSpanTimes(span.Start, span.End) ?? span.LinkError;
        if (error is not null)
        {
            rejections.Reject($"span '{name}'", error);
            return;
        }

        spans.Add(new SpanRecord
        {
            TraceId = TraceId.FromBytes(span.TraceId),
            SpanId = SpanId.FromBytes(span.SpanId),
            ParentSpanId = span.ParentSpanId.Length == 0 ? 0 : SpanId.FromBytes(span.ParentSpanId),
            Name = name,
            Kind = (SpanKind)Math.Min(span.Kind, 5),
            StartUnixNano = (long)span.Start,
            EndUnixNano = (long)span.End,
            Resource = resource,
            Scope = scope,
            Attributes = attributes.Build(),
            DroppedAttributesCount = SaturatingSum(span.DroppedAttributes, span.SenderDroppedAttributes),
            DroppedEventsCount = SaturatingSum(span.DroppedEvents, span.SenderDroppedEvents),
            DroppedLinksCount = SaturatingSum(span.DroppedLinks, span.SenderDroppedLinks),
            StatusCode = (SpanStatusCode)Math.Min(span.StatusCode, 2),
            StatusMessage = span.StatusMessage is null ? null : converter.Truncate(span.StatusMessage),
            TraceState = span.TraceState.Length == 0 ? null : converter.Truncate(span.TraceState),
            Flags = span.Flags,
            Events = span.Events is null ? [] : [.. span.Events],
            Links = span.Links is null ? [] : [.. span.Links],
        });
    }

    /// <summary>What the Lab dropped plus what the sender says it dropped, without overflowing.</summary>
    private static int SaturatingSum(int dropped, ulong senderDropped) => (int)Math.Min((ulong)dropped + senderDropped, int.MaxValue);

    private void ReadSpanField(scoped ref ProtoWireReader reader, int field, int wireType, ref SpanFields span, CompactAttributesWriter attributes)
    {
        switch (field)
        {
            case SpanField.TraceId: span.TraceId = ReadBytes(ref reader, field, wireType); break;
            case SpanField.SpanId: span.SpanId = ReadBytes(ref reader, field, wireType); break;
            case SpanField.TraceState: span.TraceState = ReadBytes(ref reader, field, wireType); break;
            case SpanField.ParentSpanId: span.ParentSpanId = ReadBytes(ref reader, field, wireType); break;
            case SpanField.Name: span.Name = ReadBytes(ref reader, field, wireType); break;
            case SpanField.Kind: reader.Expect(field, wireType, ProtoWireReader.Varint); span.Kind = reader.ReadVarint(); break;
            case SpanField.StartTimeUnixNano: reader.Expect(field, wireType, ProtoWireReader.Fixed64); span.Start = reader.ReadFixed64(); break;
            case SpanField.EndTimeUnixNano: reader.Expect(field, wireType, ProtoWireReader.Fixed64); span.End = reader.ReadFixed64(); break;
            case SpanField.Attributes:
                var keyValue = ReadBytes(ref reader, field, wireType);
                if (attributes.Count < store.Limits.MaxAttributeCount)
                {
                    DecodeKeyValue(keyValue, attributes);
                }
                else
                {
                    span.DroppedAttributes++;
                }

                break;
            case SpanField.DroppedAttributesCount: reader.Expect(field, wireType, ProtoWireReader.Varint); span.SenderDroppedAttributes = reader.ReadVarint(); break;
            case SpanField.Events: AddEvent(ReadBytes(ref reader, field, wireType), ref span); break;
            case SpanField.DroppedEventsCount: reader.Expect(field, wireType, ProtoWireReader.Varint); span.SenderDroppedEvents = reader.ReadVarint(); break;
            case SpanField.Links: AddLink(ReadBytes(ref reader, field, wireType), ref span); break;
            case SpanField.DroppedLinksCount: reader.Expect(field, wireType, ProtoWireReader.Varint); span.SenderDroppedLinks = reader.ReadVarint(); break;
            case SpanField.Status: (span.StatusCode, span.StatusMessage) = DecodeStatus(ReadBytes(ref reader, field, wireType)); break;
            case SpanField.Flags: reader.Expect(field, wireType, ProtoWireReader.Fixed32); span.Flags = reader.ReadFixed32(); break;
            default: reader.Skip(wireType); break;
        }
    }

    private static ReadOnlySpan<byte> ReadBytes(scoped ref ProtoWireReader reader, int field, int wireType)
    {
        reader.Expect(field, wireType, LengthDelimited);
        return reader.ReadLengthDelimited();
    }

    private void AddEvent(ReadOnlySpan<byte> message, ref SpanFields span)
    {
        if ((span.Events?.Count ?? 0) >= store.Limits.MaxEventsPerSpan)
        {
            span.DroppedEvents++;
            return;
        }

        var protoEvent = ProtoSpan.Types.Event.Parser.ParseFrom(message);
        (span.Events ??= []).Add(new SpanEventRecord(store.Strings.Intern(converter.Truncate(protoEvent.Name)), (long)protoEvent.TimeUnixNano, converter.Convert(protoEvent.Attributes)));
    }

    private void AddLink(ReadOnlySpan<byte> message, ref SpanFields span)
    {
        if ((span.Links?.Count ?? 0) >= store.Limits.MaxLinksPerSpan)
        {
            span.DroppedLinks++;
            return;
        }

        var link = ProtoSpan.Types.Link.Parser.ParseFrom(message);
        if (OtlpValidation.TryReadTraceId(link.TraceId, out var linkTraceId, out var problem) &&
            OtlpValidation.TryReadSpanId(link.SpanId, optional: false, out var linkSpanId, out problem))
        {
            (span.Links ??= []).Add(new SpanLinkRecord(linkTraceId, linkSpanId, link.TraceState.Length == 0 ? null : converter.Truncate(link.TraceState), converter.Convert(link.Attributes)));
        }
        else
        {
            span.LinkError ??= "link " + problem;
        }
    }

    private static string? CheckIds(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId, ReadOnlySpan<byte> parentSpanId)
    {
        if (traceId.Length != 16)
        {
            return $"trace id must be 16 bytes, got {traceId.Length}";
        }

        if (TraceId.FromBytes(traceId).IsEmpty)
        {
            return "trace id must not be all zeroes";
        }

        if (spanId.Length != 8)
        {
            return $"span id must be 8 bytes, got {spanId.Length}";
        }

        if (SpanId.FromBytes(spanId) == 0)
        {
            return "span id must not be all zeroes";
        }

        return parentSpanId.Length is 0 or 8 ? null : $"span id must be 8 bytes, got {parentSpanId.Length} (parent span id)";
    }

    private static (ulong Code, string? Message) DecodeStatus(ReadOnlySpan<byte> message)
    {
        ulong code = 0;
        string? text = null;
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == StatusField.Message && wireType == LengthDelimited)
            {
                var bytes = reader.ReadLengthDelimited();
                text = bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes);
            }
            else if (field == StatusField.Code && wireType == ProtoWireReader.Varint)
            {
                code = reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return (code, text);
    }

    private void DecodeKeyValue(ReadOnlySpan<byte> message, CompactAttributesWriter attributes)
    {
        ReadOnlySpan<byte> key = default, value = default;
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == KeyValueField.Key && wireType == LengthDelimited)
            {
                key = reader.ReadLengthDelimited();
            }
            else if (field == KeyValueField.Value && wireType == LengthDelimited)
            {
                value = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        attributes.AddKey(key);
        DecodeAnyValue(value, attributes);
    }

    private void DecodeAnyValue(ReadOnlySpan<byte> message, CompactAttributesWriter attributes)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case AnyValueField.StringValue when wireType == LengthDelimited:
                    AddString(reader.ReadLengthDelimited(), attributes);
                    return;
                case AnyValueField.BoolValue when wireType == ProtoWireReader.Varint:
                    attributes.AddBool(reader.ReadVarint() != 0);
                    return;
                case AnyValueField.IntValue when wireType == ProtoWireReader.Varint:
                    attributes.AddLong((long)reader.ReadVarint());
                    return;
                case AnyValueField.DoubleValue when wireType == ProtoWireReader.Fixed64:
                    attributes.AddDouble(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
                    return;
                case AnyValueField.ArrayValue or AnyValueField.KvlistValue or AnyValueField.BytesValue:
                    // Arrays, maps and bytes are rare: let the general parser and converter handle them.
                    attributes.AddValue(converter.ConvertValue(AnyValue.Parser.ParseFrom(message)));
                    return;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        attributes.AddValue(null);
    }

    private void AddString(ReadOnlySpan<byte> utf8, CompactAttributesWriter attributes)
    {
        if (converter.IsOverLength(utf8))
        {
            attributes.AddValue(converter.Truncate(utf8));
            return;
        }

        attributes.AddString(utf8);
    }
}
