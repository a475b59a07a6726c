using System.Collections.Concurrent;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// Numbers for attribute keys, so a stored span writes a small number instead of a string reference per
/// attribute. Keys repeat across millions of spans but are few. Stored spans hold the numbers, so keys are
/// never removed; instead the table is bounded: a key longer than <see cref="MaxKeyLength"/> bytes, or any new
/// key once the table is full, is stored inline in the span (and counted in the span's size). At most
/// capacity × <see cref="MaxKeyLength"/> bytes of keys, about 20 MB at the default capacity.
/// </summary>
public sealed class AttributeKeyTable(int capacity = 65_000)
{
    /// <summary>Semantic-convention keys are well under this; longer ones are not worth a number.</summary>
    public const int MaxKeyLength = 128;

    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [""]; // id 0 means "key stored inline"
    private readonly Lock _lock = new();

    public static AttributeKeyTable Shared { get; } = new();

    /// <summary>The id of a key given as UTF-8, without allocating a string for keys already known.</summary>
    public int GetId(ReadOnlySpan<byte> utf8Key)
    {
        if (utf8Key.Length > MaxKeyLength)
        {
            return 0;
        }

        if (Utf8KeyLookup.TryGetValue(_ids, utf8Key, out var known))
        {
            return known;
        }

        return GetId(System.Text.Encoding.UTF8.GetString(utf8Key));
    }

    /// <summary>The key's id, or 0 when the table is full or the key too long.</summary>
    public int GetId(string key)
    {
        // Known keys first: every key in the table is short, so only a new key needs its length measured.
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }

        if (key.Length > MaxKeyLength || System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyLength)
        {
            return 0;
        }

        lock (_lock)
        {
            if (_ids.TryGetValue(key, out id))
            {
                return id;
            }

            if (_keys.Count >= capacity)
            {
                return 0;
            }

            id = _keys.Count;
            _keys.Add(key);
            _ids[key] = id;
            return id;
        }
    }

    /// <summary>The id of a key already in the table, or 0 if it never was.</summary>
    public int FindId(string key) => _ids.TryGetValue(key, out var id) ? id : 0;

    public string GetKey(int id)
    {
        lock (_lock)
        {
            return _keys[id];
        }
    }
}
