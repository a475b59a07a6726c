using System.Globalization;
using System.Text.RegularExpressions;

namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// Parses durations the way Jaeger's query API writes them (Go's format: "1.5ms", "2s", "1h30m", "250us"),
/// and, for the project's own API, a bare number of milliseconds.
/// </summary>
public static partial class DurationParser
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex GoDurationPart();

    public static bool TryParseNanoseconds(string? text, bool bareNumberIsMilliseconds, out long nanoseconds)
    {
        nanoseconds = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (bareNumberIsMilliseconds && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            // long.MaxValue as a double rounds up to 2^63, which no long holds: the bound is exclusive.
            if (ms < 0 || double.IsNaN(ms) || ms * 1e6 >= long.MaxValue)
            {
                return false;
            }

            nanoseconds = (long)(ms * 1_000_000);
            return true;
        }

        if (!GoDuration().IsMatch(text))
        {
            return false;
        }

        double total = 0;
        foreach (Match part in GoDurationPart().Matches(text))
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += value * part.Groups[2].Value switch
            {
                "ns" => 1,
                "us" or "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                _ => 3600e9,
            };
        }

        if (total >= long.MaxValue)
        {
            return false;
        }

        nanoseconds = (long)total;
        return true;
    }
}
