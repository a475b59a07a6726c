using System.Text;

namespace DistributedTracing.TraceLab.Telemetry.Memory;

/// <summary>Substring search in UTF-8 bytes, ignoring the case of ASCII letters, without decoding.</summary>
public static class Utf8Text
{
    /// <param name="haystack">UTF-8 text.</param>
    /// <param name="asciiNeedle">ASCII only: its bytes can then never match inside a multi-byte character.</param>
    public static bool ContainsIgnoreAsciiCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> asciiNeedle)
    {
        if (asciiNeedle.IsEmpty)
        {
            return true;
        }

        var first = asciiNeedle[0];
        var lower = (byte)char.ToLowerInvariant((char)first);
        var upper = (byte)char.ToUpperInvariant((char)first);
        var last = haystack.Length - asciiNeedle.Length;
        var offset = 0;
        while (offset <= last)
        {
            var found = haystack[offset..(last + 1)].IndexOfAny(lower, upper);
            if (found < 0)
            {
                return false;
            }

            offset += found;
            if (Ascii.EqualsIgnoreCase(haystack.Slice(offset, asciiNeedle.Length), asciiNeedle))
            {
                return true;
            }

            offset++;
        }

        return false;
    }
}
