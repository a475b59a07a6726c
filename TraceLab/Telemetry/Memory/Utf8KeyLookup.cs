using System.Collections.Concurrent;
using System.Text;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>Looks up a string-keyed dictionary with UTF-8 bytes, without allocating a string for hits.</summary>
internal static class Utf8KeyLookup
{
    private const int MaxStackChars = 256;

    public static bool TryGetValue<TValue>(ConcurrentDictionary<string, TValue> dictionary, ReadOnlySpan<byte> utf8, out TValue value)
    {
        var maxChars = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (maxChars <= MaxStackChars)
        {
            Span<char> chars = stackalloc char[maxChars];
            var written = Encoding.UTF8.GetChars(utf8, chars);
            return dictionary.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..written], out value!);
        }

        value = default!;
        return false;
    }
}
