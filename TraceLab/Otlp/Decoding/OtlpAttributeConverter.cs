using System.Text;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>
/// Turns OTLP key/values into the store's compact attributes, applying the attribute limits,
/// and resolves the resource and scope every batch refers to.
/// </summary>
public sealed class OtlpAttributeConverter(TelemetryStore store)
{
    private const string UnknownService = "unknown_service";

    private TelemetryLimitOptions Limits => store.Limits;

    public TelemetryAttribute[] Convert(RepeatedField<KeyValue> source, out int dropped)
    {
        var count = Math.Min(source.Count, Limits.MaxAttributeCount);
        dropped = source.Count - count;
        if (count == 0)
        {
            return [];
        }

        var attributes = new TelemetryAttribute[count];
        for (var i = 0; i < count; i++)
        {
            attributes[i] = new TelemetryAttribute(store.Strings.Intern(source[i].Key), ConvertValue(source[i].Value));
        }

        return attributes;
    }

    public TelemetryAttribute[] Convert(RepeatedField<KeyValue> source) => Convert(source, out _);

    /// <summary>A value as stored: see <see cref="AttributeNesting"/> for arrays and maps nested too deep.</summary>
    public object? ConvertValue(AnyValue? value) => ConvertValue(value, depth: 0);

    private object? ConvertValue(AnyValue? value, int depth) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => Truncate(value.StringValue),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? BoxedTrue : BoxedFalse,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        // Past the limit the rest is kept as JSON text, as OpenTelemetry maps arrays and maps for formats without them.
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue when depth == AttributeNesting.MaxDepth =>
            Truncate(TelemetryAttribute.FormatValue(ToPlainValue(value))),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(v => ConvertValue(v, depth + 1)).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => ConvertMap(value.KvlistValue.Values, depth + 1),
        _ => null,
    };

    /// <summary>
    /// OTLP asks for unique keys in a map but nothing enforces it. As in OTLP's JSON mapping, where a map
    /// is a JSON object, the last value of a key wins; the key keeps its first place.
    /// </summary>
    private TelemetryAttribute[] ConvertMap(RepeatedField<KeyValue> source, int depth)
    {
        var map = new List<TelemetryAttribute>(Math.Min(source.Count, Limits.MaxAttributeCount));
        var places = source.Count > 1 ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        foreach (var pair in source)
        {
            if (places is not null && places.TryGetValue(pair.Key, out var place))
            {
                map[place] = map[place] with { Value = ConvertValue(pair.Value, depth) };
            }
            else if (map.Count < Limits.MaxAttributeCount)
            {
                places?.Add(pair.Key, map.Count);
                map.Add(new TelemetryAttribute(store.Strings.Intern(pair.Key), ConvertValue(pair.Value, depth)));
            }
        }

        return [.. map];
    }

    /// <summary>A value without interned keys or limits, only to be written as text.</summary>
    private static object? ToPlainValue(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(ToPlainValue).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => value.KvlistValue.Values.Select(p => new TelemetryAttribute(p.Key, ToPlainValue(p.Value))).ToArray(),
        _ => null,
    };

    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    /// <summary>The value cut to MaxAttributeLength characters (names and messages are cut the same way).</summary>
    public string Truncate(string value) =>
        Limits.MaxAttributeLength is { } max && value.Length > max ? value[..max] : value;

    /// <summary>Whether UTF-8 text holds more characters than MaxAttributeLength, counting only when it could.</summary>
    public bool IsOverLength(ReadOnlySpan<byte> utf8) =>
        Limits.MaxAttributeLength is { } max && utf8.Length > max && Encoding.UTF8.GetCharCount(utf8) > max;

    /// <summary>UTF-8 text as a string cut to MaxAttributeLength characters, decoding no more than it keeps.</summary>
    public string Truncate(ReadOnlySpan<byte> utf8)
    {
        if (!IsOverLength(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        // A character is at most 4 bytes of UTF-8: decode a prefix long enough, then cut at the limit.
        var max = Limits.MaxAttributeLength!.Value;
        var prefix = utf8[..(int)Math.Min(utf8.Length, 4L * max)];
        return Truncate(Encoding.UTF8.GetString(prefix));
    }

    public TelemetryResource ResolveResource(Resource? resource)
    {
        string? serviceName = null, instanceId = null;
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                if (attribute.Key == "service.name")
                {
                    serviceName = attribute.Value?.StringValue;
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instanceId = attribute.Value?.StringValue;
                }
            }
        }

        return store.GetOrAddResource(
            string.IsNullOrEmpty(serviceName) ? UnknownService : Truncate(serviceName),
            string.IsNullOrEmpty(instanceId) ? null : Truncate(instanceId),
            () => resource is null ? [] : Convert(resource.Attributes));
    }

    public InstrumentationScopeInfo ResolveScope(InstrumentationScope? scope) =>
        store.GetOrAddScope(Truncate(scope?.Name ?? ""), Truncate(scope?.Version ?? ""));
}
