using System.Text.Json;

namespace DistributedTracing.TraceLab.Formats;

/// <summary>
/// Reads JSON that arrives from outside (OTLP/HTTP bodies, imported files, Jaeger's <c>tags</c>) only when
/// every later reader will agree on what it says. Two things are valid JSON syntax and still refused:
/// an object naming a property twice (readers differ on which value counts), and a string whose escapes
/// spell a lone surrogate such as <c>"\ud800"</c> (not Unicode text: it cannot be written as UTF-8 again,
/// so storing it would break every answer that shows it).
/// </summary>
public static class StrictJson
{
    /// <summary>
    /// Room for the deepest document the Trace Lab writes itself: an OTLP export whose event attributes
    /// nest <see cref="Otlp.Decoding.AttributeNesting.MaxDepth"/> maps reaches about 80 levels.
    /// </summary>
    public const int MaxDepth = 128;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <exception cref="FormatException">The text is not JSON the Trace Lab reads; the message says why.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, Options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"it is not valid JSON ({ex.Message})", ex);
        }

        try
        {
            RefuseLoneSurrogates(utf8Json.Span);
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    private static void RefuseLoneSurrogates(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            // Only an escape can spell a surrogate: unescaped UTF-8 was already checked by the parser.
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    throw new FormatException(
                        $"the string at byte {reader.TokenStartIndex} escapes a lone surrogate (\\ud800 to \\udfff without its pair), which is not Unicode text");
                }
            }
        }
    }
}
