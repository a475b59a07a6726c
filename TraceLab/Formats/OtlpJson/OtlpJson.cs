using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace DistributedTracing.TraceLab.Formats.OtlpJson;

/// <summary>
/// OTLP's JSON mapping is protobuf's, with one exception: trace and span ids are hex strings, not
/// base64. Google.Protobuf only knows base64 (and a 32-character hex id also decodes as base64, into
/// the wrong bytes), so id fields are rewritten explicitly before parsing and after formatting.
/// </summary>
public static class OtlpJson
{
    private static readonly HashSet<string> IdFields =
        ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <exception cref="FormatException">The body is not OTLP JSON; the message says why.</exception>
    public static T Parse<T>(ReadOnlyMemory<byte> utf8Json)
        where T : IMessage<T>, new()
    {
        string rewritten;
        using (var document = StrictJson.Parse(utf8Json))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the body must be a JSON object");
            }

            var root = JsonObject.Create(document.RootElement)!;
            RewriteIds(root, HexToBase64);
            rewritten = root.ToJsonString();
        }

        try
        {
            return Parser.Parse<T>(rewritten);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or OverflowException or ArgumentException)
        {
            // Google.Protobuf reports a number out of its field's range as an overflow or argument error.
            throw new FormatException($"the JSON does not match the OTLP message: {ex.Message}", ex);
        }
    }

    public static string Format(IMessage message)
    {
        // What ingest keeps nests deeper than System.Text.Json's default of 64 levels when written as OTLP JSON.
        var root = JsonNode.Parse(Formatter.Format(message), documentOptions: new JsonDocumentOptions { MaxDepth = StrictJson.MaxDepth })!;
        RewriteIds(root, Base64ToHex);
        return root.ToJsonString();
    }

    private static void RewriteIds(JsonNode node, Func<string, string, string> convert)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (IdFields.Contains(key) && value is JsonValue idValue && idValue.TryGetValue<string>(out var id))
                    {
                        obj[key] = convert(key, id);
                    }
                    else if (value is not null)
                    {
                        RewriteIds(value, convert);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RewriteIds(item, convert);
                    }
                }

                break;
        }
    }

    private static string HexToBase64(string field, string hex)
    {
        if (hex.Length == 0)
        {
            return hex;
        }

        try
        {
            return Convert.ToBase64String(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new FormatException($"{field} '{Truncate(hex)}' is not a hex string (OTLP/JSON writes ids as hex)");
        }
    }

    private static string Base64ToHex(string field, string base64) =>
        Convert.ToHexStringLower(Convert.FromBase64String(base64));

    private static string Truncate(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
