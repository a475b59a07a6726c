using System.Text;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace DistributedTracing.TraceLab.Otlp;

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

    public object? ConvertValue(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => Truncate(value.StringValue),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? BoxedTrue : BoxedFalse,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(ConvertValue).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => Convert(value.KvlistValue.Values),
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
