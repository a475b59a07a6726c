using System.Globalization;
using System.Text;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// One attribute, stored compactly: the key is interned and the value is the CLR value itself
/// (string, long, double, bool, byte[], object?[] for arrays, TelemetryAttribute[] for maps).
/// </summary>
public readonly record struct TelemetryAttribute(string Key, object? Value)
{
    public string ValueAsString => FormatValue(Value);

    public static string FormatValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        object?[] array => "[" + string.Join(",", array.Select(FormatNested)) + "]",
        TelemetryAttribute[] map => "{" + string.Join(",", map.Select(a => $"\"{a.Key}\":{FormatNested(a.Value)}")) + "}",
        _ => value.ToString() ?? "",
    };

    private static string FormatNested(object? value) => value is string s ? Quote(s) : FormatValue(value);

    private static string Quote(string s)
    {
        var builder = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            builder.Append(c switch { '"' => "\\\"", '\\' => "\\\\", _ => c.ToString() });
        }

        return builder.Append('"').ToString();
    }

    public static string? Find(TelemetryAttribute[] attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.ValueAsString;
            }
        }

        return null;
    }
}
