namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>
/// A table keyed by what senders choose (resources, scopes), so bounded in entries and in estimated bytes:
/// past either, the entry used least recently goes. Whatever still refers to an evicted value keeps it
/// alive and pays for it in its own budget; a sender that comes back simply gets a new entry.
/// </summary>
public sealed class LeastRecentlyUsedTable<TKey, TValue>(int capacity, long maxBytes, Func<TValue, long> sizeOf)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byUse = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Oldest use first.</summary>
    public IReadOnlyList<TValue> Values
    {
        get
        {
            lock (_lock)
            {
                return [.. _byUse.Select(e => e.Value)];
            }
        }
    }

    /// <summary>
    /// The value for <paramref name="key"/>, made by <paramref name="create"/> (outside the lock) when new.
    /// Values pushed out to make room are added to <paramref name="evicted"/>.
    /// </summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create, List<TValue>? evicted = null)
    {
        lock (_lock)
        {
            if (TryTouch(key, out var known))
            {
                return known;
            }
        }

        var value = create(key);
        var size = sizeOf(value);
        lock (_lock)
        {
            if (TryTouch(key, out var known))
            {
                return known;
            }

            var node = _byUse.AddLast(new Entry(key, value, size));
            _entries.Add(key, node);
            _bytes += size;
            while ((_entries.Count > capacity || _bytes > maxBytes) && _byUse.First != node)
            {
                var oldest = _byUse.First!.Value;
                _byUse.RemoveFirst();
                _entries.Remove(oldest.Key);
                _bytes -= oldest.Size;
                evicted?.Add(oldest.Value);
            }

            return value;
        }
    }

    private bool TryTouch(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _byUse.Remove(node);
            _byUse.AddLast(node);
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    private sealed record Entry(TKey Key, TValue Value, long Size);
}
