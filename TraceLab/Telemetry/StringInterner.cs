using System.Collections.Concurrent;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// Shares one copy of strings that repeat across spans (attribute keys, span names, scope names).
/// Bounded, so a sender with unbounded cardinality cannot grow it without limit: past the cap,
/// strings are simply kept as they came.
/// </summary>
public sealed class StringInterner(int capacity = 50_000)
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (value.Length == 0)
        {
            return string.Empty;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return _strings.Count < capacity ? _strings.GetOrAdd(value, value) : value;
    }

    /// <summary>Interns UTF-8 text, allocating only for strings not seen before.</summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (Utf8KeyLookup.TryGetValue(_strings, utf8, out var shared))
        {
            return shared;
        }

        return Intern(System.Text.Encoding.UTF8.GetString(utf8));
    }
}
