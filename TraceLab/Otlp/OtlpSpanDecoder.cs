using System.Text;
using DistributedTracing.TraceLab.Telemetry;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace DistributedTracing.TraceLab.Otlp;

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
            if (field == 1)
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
        var resource = FindMessage(message, 1, Resource.Parser);
        var telemetryResource = converter.ResolveResource(resource);
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 2)
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
        var scope = FindMessage(message, 1, InstrumentationScope.Parser);
        var scopeInfo = converter.ResolveScope(scope);
        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 2)
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

    private void DecodeSpan(ReadOnlySpan<byte> message, TelemetryResource resource, InstrumentationScopeInfo scope)
    {
        ReadOnlySpan<byte> traceIdBytes = default, spanIdBytes = default, parentBytes = default, nameBytes = default, traceStateBytes = default;
        ulong kind = 0, start = 0, end = 0, droppedCount = 0;
        uint flags = 0;
        var statusCode = 0UL;
        string? statusMessage = null;
        List<SpanEventRecord>? events = null;
        List<SpanLinkRecord>? links = null;
        string? linkError = null;
        var attributes = CompactAttributesWriter.Rent();
        int droppedAttributes = 0, droppedEvents = 0, droppedLinks = 0;

        var reader = new ProtoWireReader(message);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.Expect(field, wireType, LengthDelimited); traceIdBytes = reader.ReadLengthDelimited(); break;
                case 2: reader.Expect(field, wireType, LengthDelimited); spanIdBytes = reader.ReadLengthDelimited(); break;
                case 3: reader.Expect(field, wireType, LengthDelimited); traceStateBytes = reader.ReadLengthDelimited(); break;
                case 4: reader.Expect(field, wireType, LengthDelimited); parentBytes = reader.ReadLengthDelimited(); break;
                case 5: reader.Expect(field, wireType, LengthDelimited); nameBytes = reader.ReadLengthDelimited(); break;
                case 6: reader.Expect(field, wireType, ProtoWireReader.Varint); kind = reader.ReadVarint(); break;
                case 7: reader.Expect(field, wireType, ProtoWireReader.Fixed64); start = reader.ReadFixed64(); break;
                case 8: reader.Expect(field, wireType, ProtoWireReader.Fixed64); end = reader.ReadFixed64(); break;
                case 9:
                    reader.Expect(field, wireType, LengthDelimited);
                    var keyValue = reader.ReadLengthDelimited();
                    if (attributes.Count < store.Limits.MaxAttributeCount)
                    {
                        DecodeKeyValue(keyValue, attributes);
                    }
                    else
                    {
                        droppedAttributes++;
                    }

                    break;
                case 10: reader.Expect(field, wireType, ProtoWireReader.Varint); droppedCount = reader.ReadVarint(); break;
                case 11:
                    reader.Expect(field, wireType, LengthDelimited);
                    var eventBytes = reader.ReadLengthDelimited();
                    if ((events?.Count ?? 0) >= store.Limits.MaxEventsPerSpan)
                    {
                        droppedEvents++;
                        break;
                    }

                    var protoEvent = ProtoSpan.Types.Event.Parser.ParseFrom(eventBytes);
                    (events ??= []).Add(new SpanEventRecord(store.Strings.Intern(converter.Truncate(protoEvent.Name)), (long)protoEvent.TimeUnixNano, converter.Convert(protoEvent.Attributes)));
                    break;
                case 13:
                    reader.Expect(field, wireType, LengthDelimited);
                    var linkBytes = reader.ReadLengthDelimited();
                    if ((links?.Count ?? 0) >= store.Limits.MaxLinksPerSpan)
                    {
                        droppedLinks++;
                        break;
                    }

                    var link = ProtoSpan.Types.Link.Parser.ParseFrom(linkBytes);
                    if (OtlpValidation.TryReadTraceId(link.TraceId, out var linkTraceId, out var problem) &&
                        OtlpValidation.TryReadSpanId(link.SpanId, optional: false, out var linkSpanId, out problem))
                    {
                        (links ??= []).Add(new SpanLinkRecord(linkTraceId, linkSpanId, link.TraceState.Length == 0 ? null : converter.Truncate(link.TraceState), converter.Convert(link.Attributes)));
                    }
                    else
                    {
                        linkError ??= "link " + problem;
                    }

                    break;
                case 15:
                    reader.Expect(field, wireType, LengthDelimited);
                    (statusCode, statusMessage) = DecodeStatus(reader.ReadLengthDelimited());
                    break;
                case 16: reader.Expect(field, wireType, ProtoWireReader.Fixed32); flags = reader.ReadFixed32(); break;
                default: reader.Skip(wireType); break;
            }
        }

        var name = nameBytes.Length == 0 ? "" : store.Strings.Intern(converter.Truncate(nameBytes));
        var error = CheckIds(traceIdBytes, spanIdBytes, parentBytes) ?? OtlpValidation.CheckSpanTimes(start, end) ?? linkError;
        if (error is not null)
        {
            rejections.Reject($"span '{name}'", error);
            return;
        }

        spans.Add(new SpanRecord
        {
            TraceId = TraceId.FromBytes(traceIdBytes),
            SpanId = SpanId.FromBytes(spanIdBytes),
            ParentSpanId = parentBytes.Length == 0 ? 0 : SpanId.FromBytes(parentBytes),
            Name = name,
            Kind = (SpanKind)Math.Min(kind, 5),
            StartUnixNano = (long)start,
            EndUnixNano = (long)end,
            Resource = resource,
            Scope = scope,
            Attributes = attributes.Build(),
            DroppedAttributesCount = droppedAttributes + (int)Math.Min(droppedCount, int.MaxValue),
            StatusCode = (SpanStatusCode)Math.Min(statusCode, 2),
            StatusMessage = statusMessage is null ? null : converter.Truncate(statusMessage),
            TraceState = traceStateBytes.Length == 0 ? null : converter.Truncate(Encoding.UTF8.GetString(traceStateBytes)),
            DroppedEventsCount = droppedEvents,
            DroppedLinksCount = droppedLinks,
            Flags = flags,
            Events = events is null ? [] : [.. events],
            Links = links is null ? [] : [.. links],
        });
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
            if (field == 2 && wireType == LengthDelimited)
            {
                var bytes = reader.ReadLengthDelimited();
                text = bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes);
            }
            else if (field == 3 && wireType == ProtoWireReader.Varint)
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
            if (field == 1 && wireType == LengthDelimited)
            {
                key = reader.ReadLengthDelimited();
            }
            else if (field == 2 && wireType == LengthDelimited)
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
                case 1 when wireType == LengthDelimited:
                    AddString(reader.ReadLengthDelimited(), attributes);
                    return;
                case 2 when wireType == ProtoWireReader.Varint:
                    attributes.AddBool(reader.ReadVarint() != 0);
                    return;
                case 3 when wireType == ProtoWireReader.Varint:
                    attributes.AddLong((long)reader.ReadVarint());
                    return;
                case 4 when wireType == ProtoWireReader.Fixed64:
                    attributes.AddDouble(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
                    return;
                case 5 or 6 or 7:
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
