namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c>'s format: <c>key=value</c> pairs separated by commas, values
/// URL-encoded (so a value may hold a comma or an equals sign). Errors name the pair by position and never
/// quote it: the values are secrets (Aspire's OTLP key).
/// </summary>
public static class OtlpHeaderList
{
    public static bool TryParse(string? text, out List<KeyValuePair<string, string>> headers, out string? error)
    {
        headers = [];
        error = null;
        var position = 0;
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            position++;
            if (pair.Length == 0)
            {
                continue; // "a=1," and "a=1,,b=2" are lenient, as in the OpenTelemetry SDKs
            }

            var equals = pair.IndexOf('=');
            var key = equals > 0 ? pair[..equals].Trim() : "";
            if (key.Length == 0 || !key.All(IsKeyChar) || key.EndsWith("-bin", StringComparison.OrdinalIgnoreCase))
            {
                error = $"pair {position} is not key=value with a key of letters, digits, '-', '_' or '.' (and not ending in -bin, gRPC's binary metadata)";
                return false;
            }

            var value = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            if (!value.All(c => c is >= ' ' and <= '~'))
            {
                error = $"the value of '{key}' (pair {position}) holds characters other than printable ASCII";
                return false;
            }

            headers.Add(new(key.ToLowerInvariant(), value));
        }

        return true;
    }

    // gRPC metadata keys are lower-case [0-9a-z-_.]; lower-cased, the same keys are valid HTTP header names.
    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
