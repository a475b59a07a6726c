using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace DistributedTracing.TraceLab.Formats.Jaeger;

/// <summary>
/// Jaeger's <c>tags</c> search parameter: a JSON object (<c>{"http.status_code":"200"}</c>, what Jaeger UI
/// sends) or logfmt (<c>error=true http.route="/api/orders"</c>, what Grafana sends).
/// </summary>
public static class JaegerTagParser
{
    public static bool TryParse(string tags, out List<KeyValuePair<string, string>> pairs, [NotNullWhen(false)] out string? error)
    {
        pairs = [];
        error = null;
        var trimmed = tags.Trim();
        if (trimmed.Length == 0)
        {
            return true;
        }

        return trimmed.StartsWith('{') ? TryParseJson(trimmed, pairs, out error) : TryParseLogfmt(trimmed, pairs, out error);
    }

    private static bool TryParseJson(string json, List<KeyValuePair<string, string>> pairs, [NotNullWhen(false)] out string? error)
    {
        try
        {
            // Only text that starts with '{' comes here, so valid JSON is an object.
            using var document = StrictJson.Parse(Encoding.UTF8.GetBytes(json));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                pairs.Add(KeyValuePair.Create(property.Name, property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText()));
            }

            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            error = $"tags is not a JSON object of strings: {ex.Message}";
            return false;
        }
    }

    private static bool TryParseLogfmt(string text, List<KeyValuePair<string, string>> pairs, [NotNullWhen(false)] out string? error)
    {
        error = null;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var key = text[keyStart..i];
            if (key.Length == 0 || i == text.Length || text[i] != '=')
            {
                error = $"tags must be key=value pairs (logfmt) or a JSON object; '{key}' has no value";
                return false;
            }

            i++; // '='
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }

                if (i == text.Length)
                {
                    error = $"tags: the value of '{key}' has no closing quote";
                    return false;
                }

                i++;
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    value.Append(text[i++]);
                }
            }

            pairs.Add(KeyValuePair.Create(key, value.ToString()));
        }

        return true;
    }
}
