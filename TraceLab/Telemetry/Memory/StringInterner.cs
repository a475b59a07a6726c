using System.Collections.Concurrent;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// Shares one copy of strings that repeat across spans (span, event, scope and metric names, log attribute
/// keys). Only short strings are shared, and the table is bounded: when it fills it starts over, so a sender
/// with unbounded cardinality costs at most <see cref="MaxLength"/> characters times the capacity here, and
/// the strings that really repeat are back in the table after their next use.
/// </summary>
public sealed class StringInterner(int capacity = 50_000)
{
    /// <summary>Longer strings are kept as they came: names that long rarely repeat.</summary>
    public const int MaxLength = 256;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int Count => _strings.Count;

    public string Intern(string value)
    {
        if (value.Length == 0)
        {
            return string.Empty;
        }

        if (value.Length > MaxLength)
        {
            return value;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (_strings.Count >= capacity)
        {
            // Starting over is cheaper than tracking use, and a flood of one-off strings empties it either way.
            _strings.Clear();
        }

        return _strings.GetOrAdd(value, value);
    }

    /// <summary>Interns UTF-8 text, allocating only for strings not seen before.</summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length <= MaxLength * 3 && Utf8KeyLookup.TryGetValue(_strings, utf8, out var shared))
        {
            return shared;
        }

        return Intern(System.Text.Encoding.UTF8.GetString(utf8));
    }
}
