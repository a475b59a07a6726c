using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Formats.Jaeger;

/// <summary>
/// Reads Jaeger JSON (a query API answer <c>{"data": [trace, ...]}</c>, one trace object, or an array of
/// traces, as Jaeger UI's file upload takes them) back into an OTLP export, reversing OpenTelemetry's
/// Jaeger mapping: <c>span.kind</c>, <c>otel.status_code</c>, <c>otel.status_description</c>, <c>error</c>
/// and <c>otel.scope.*</c> tags become fields again, the first CHILD_OF reference the parent, the other
/// references links, logs events, processes resources.
/// </summary>
public static class JaegerJsonReader
{
    /// <exception cref="FormatException">The document is not Jaeger JSON; the message says where and why.</exception>
    public static ExportTraceServiceRequest Read(JsonElement root)
    {
        var traces = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToList(),
            JsonValueKind.Object when root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array => data.EnumerateArray().ToList(),
            JsonValueKind.Object when root.TryGetProperty("spans", out _) => [root],
            _ => throw new FormatException("expected Jaeger JSON: {\"data\": [traces]}, a trace with \"spans\" and \"processes\", or an array of traces"),
        };

        var request = new ExportTraceServiceRequest();
        for (var t = 0; t < traces.Count; t++)
        {
            try
            {
                ReadTrace(traces[t], $"trace {t + 1}", request);
            }
            catch (OverflowException ex)
            {
                throw new FormatException($"trace {t + 1}: a time is beyond what nanoseconds since 1970 can hold", ex);
            }
        }

        return request;
    }

    private static void ReadTrace(JsonElement trace, string where, ExportTraceServiceRequest request)
    {
        if (trace.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not an object");
        }

        var spans = Required(trace, "spans", JsonValueKind.Array, where);
        var resources = new Dictionary<string, ResourceSpans>(StringComparer.Ordinal);
        if (trace.TryGetProperty("processes", out var processes) && processes.ValueKind == JsonValueKind.Object)
        {
            foreach (var process in processes.EnumerateObject())
            {
                var resource = new Resource();
                resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = RequiredString(process.Value, "serviceName", $"{where}, process {process.Name}") } });
                if (process.Value.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
                {
                    resource.Attributes.AddRange(tags.EnumerateArray().Select((tag, i) => ReadTag(tag, $"{where}, process {process.Name}, tag {i + 1}")));
                }

                resources[process.Name] = new ResourceSpans { Resource = resource };
            }
        }

        // Found by key, not by scanning each process's scopes: a file may hold thousands of them.
        var scopes = new Dictionary<(string ProcessId, string Name, string Version), ScopeSpans>();
        var index = 0;
        foreach (var span in spans.EnumerateArray())
        {
            index++;
            var spanWhere = $"{where}, span {index}";
            var processId = RequiredString(span, "processID", spanWhere);
            if (!resources.TryGetValue(processId, out var resourceSpans))
            {
                throw new FormatException($"{spanWhere}: processID '{processId}' is not among the trace's processes");
            }

            var (otlpSpan, scopeName, scopeVersion) = ReadSpan(span, spanWhere);
            if (!scopes.TryGetValue((processId, scopeName, scopeVersion), out var scope))
            {
                scope = new ScopeSpans { Scope = new InstrumentationScope { Name = scopeName, Version = scopeVersion } };
                resourceSpans.ScopeSpans.Add(scope);
                scopes.Add((processId, scopeName, scopeVersion), scope);
            }

            scope.Spans.Add(otlpSpan);
        }

        if (index == 0)
        {
            throw new FormatException($"{where} has no spans");
        }

        request.ResourceSpans.AddRange(resources.Values.Where(r => r.ScopeSpans.Count > 0));
    }

    private static (Span Span, string ScopeName, string ScopeVersion) ReadSpan(JsonElement span, string where)
    {
        var traceId = Id(RequiredString(span, "traceID", where), 16, $"{where}: traceID");
        var startMicros = RequiredLong(span, "startTime", where);
        var durationMicros = RequiredLong(span, "duration", where);
        if (durationMicros < 0)
        {
            throw new FormatException($"{where}: duration is negative");
        }

        var result = new Span
        {
            TraceId = traceId,
            SpanId = Id(RequiredString(span, "spanID", where), 8, $"{where}: spanID"),
            Name = RequiredString(span, "operationName", where),
            StartTimeUnixNano = checked((ulong)startMicros * 1000),
            EndTimeUnixNano = checked((ulong)(startMicros + durationMicros) * 1000),
            Flags = span.TryGetProperty("flags", out var flags) && flags.TryGetUInt32(out var f) ? f & 0xFF : 0,
        };

        ReadReferences(span, where, result);
        var (scopeName, scopeVersion) = ReadTags(span, where, result);
        ReadLogs(span, where, result);
        return (result, scopeName, scopeVersion);
    }

    /// <summary>The first CHILD_OF reference within the trace is the parent; every other reference is a link.</summary>
    private static void ReadReferences(JsonElement span, string where, Span result)
    {
        if (!span.TryGetProperty("references", out var references) || references.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var reference in references.EnumerateArray())
        {
            i++;
            var refWhere = $"{where}, reference {i}";
            var refTraceId = Id(RequiredString(reference, "traceID", refWhere), 16, $"{refWhere}: traceID");
            var refSpanId = Id(RequiredString(reference, "spanID", refWhere), 8, $"{refWhere}: spanID");
            if (result.ParentSpanId.IsEmpty && refTraceId == result.TraceId && RequiredString(reference, "refType", refWhere) == "CHILD_OF")
            {
                result.ParentSpanId = refSpanId;
            }
            else
            {
                result.Links.Add(new Span.Types.Link { TraceId = refTraceId, SpanId = refSpanId });
            }
        }
    }

    /// <summary>
    /// Tags become attributes, except those by which Jaeger carries OTLP's own fields (kind, scope,
    /// status), which go back to those fields. Returns the scope's name and version.
    /// </summary>
    private static (string Name, string Version) ReadTags(JsonElement span, string where, Span result)
    {
        string scopeName = "", scopeVersion = "";
        string? statusCode = null, statusMessage = null;
        var error = false;
        if (span.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var tag in tags.EnumerateArray())
            {
                var attribute = ReadTag(tag, $"{where}, tag {++i}");
                var text = attribute.Value.ValueCase == AnyValue.ValueOneofCase.StringValue ? attribute.Value.StringValue : null;
                switch (attribute.Key)
                {
                    case "span.kind" when text is not null: result.Kind = SpanKindOf(text); break;
                    case "otel.scope.name" or "otel.library.name" when text is not null: scopeName = text; break;
                    case "otel.scope.version" or "otel.library.version" when text is not null: scopeVersion = text; break;
                    case "otel.status_code" when text is not null: statusCode = text; break;
                    case "otel.status_description" when text is not null: statusMessage = text; break;
                    case "error": error = attribute.Value.BoolValue || text == "true"; break;
                    default: result.Attributes.Add(attribute); break;
                }
            }
        }

        var code = statusCode?.ToUpperInvariant() switch
        {
            "ERROR" => Status.Types.StatusCode.Error,
            "OK" => Status.Types.StatusCode.Ok,
            _ => error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset,
        };
        if (code != Status.Types.StatusCode.Unset || statusMessage is not null)
        {
            result.Status = new Status { Code = code, Message = statusMessage ?? "" };
        }

        return (scopeName, scopeVersion);
    }

    private static Span.Types.SpanKind SpanKindOf(string name) => name switch
    {
        "server" => Span.Types.SpanKind.Server,
        "client" => Span.Types.SpanKind.Client,
        "producer" => Span.Types.SpanKind.Producer,
        "consumer" => Span.Types.SpanKind.Consumer,
        "internal" => Span.Types.SpanKind.Internal,
        _ => Span.Types.SpanKind.Unspecified,
    };

    /// <summary>Jaeger's logs are OTLP's span events; the field "event" is the event's name.</summary>
    private static void ReadLogs(JsonElement span, string where, Span result)
    {
        if (!span.TryGetProperty("logs", out var logs) || logs.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var log in logs.EnumerateArray())
        {
            var logWhere = $"{where}, log {++i}";
            var spanEvent = new Span.Types.Event { TimeUnixNano = checked((ulong)RequiredLong(log, "timestamp", logWhere) * 1000), Name = "log" };
            if (log.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array)
            {
                var j = 0;
                foreach (var field in fields.EnumerateArray())
                {
                    var attribute = ReadTag(field, $"{logWhere}, field {++j}");
                    if (attribute.Key == "event" && attribute.Value.ValueCase == AnyValue.ValueOneofCase.StringValue)
                    {
                        spanEvent.Name = attribute.Value.StringValue;
                    }
                    else
                    {
                        spanEvent.Attributes.Add(attribute);
                    }
                }
            }

            result.Events.Add(spanEvent);
        }
    }

    private static KeyValue ReadTag(JsonElement tag, string where)
    {
        var key = RequiredString(tag, "key", where);
        if (!tag.TryGetProperty("value", out var value))
        {
            throw new FormatException($"{where} ('{key}') has no value");
        }

        var type = tag.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "string";
        try
        {
            var any = type switch
            {
                "bool" => new AnyValue { BoolValue = value.ValueKind == JsonValueKind.String ? bool.Parse(value.GetString()!) : value.GetBoolean() },
                "int64" => new AnyValue { IntValue = value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64() },
                "float64" => new AnyValue { DoubleValue = value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetDouble() },
                "binary" => new AnyValue { BytesValue = ByteString.FromBase64(value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException("expected a base64 string")) },
                "string" => new AnyValue { StringValue = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() },
                _ => throw new FormatException($"type '{type}' is not one of string, bool, int64, float64, binary"),
            };
            return new KeyValue { Key = key, Value = any };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
        {
            throw new FormatException($"{where} ('{key}'): the value does not fit its type '{type}': {ex.Message}", ex);
        }
    }

    /// <summary>Jaeger writes 64-bit trace ids with 16 hex digits and may drop leading zeros: pad on the left.</summary>
    private static ByteString Id(string hex, int bytes, string where)
    {
        if (hex.Length == 0 || hex.Length > bytes * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"{where} '{hex}' is not an id of up to {bytes * 2} hex digits");
        }

        var id = Convert.FromHexString(hex.PadLeft(bytes * 2, '0'));
        if (id.All(b => b == 0))
        {
            throw new FormatException($"{where} is all zeros");
        }

        return ByteString.CopyFrom(id);
    }

    private static JsonElement Required(JsonElement element, string name, JsonValueKind kind, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != kind)
        {
            throw new FormatException($"{where} has no \"{name}\" {(kind == JsonValueKind.Array ? "array" : kind.ToString().ToLowerInvariant())}");
        }

        return value;
    }

    private static string RequiredString(JsonElement element, string name, string where) =>
        Required(element, name, JsonValueKind.String, where).GetString()!;

    private static long RequiredLong(JsonElement element, string name, string where)
    {
        var value = Required(element, name, JsonValueKind.Number, where);
        return value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new FormatException($"{where}: \"{name}\" is not a whole number of microseconds");
    }
}
