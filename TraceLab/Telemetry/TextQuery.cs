using System.Text;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// Text to find, ignoring case, in the values of many spans: prepared once, so a filter over every span
/// of every trace does not encode it again for each one.
/// </summary>
public sealed class TextQuery(string text)
{
    public string Text { get; } = text;

    /// <summary>The text's bytes when it is ASCII (what people type): values are then searched in their UTF-8 without decoding.</summary>
    public byte[]? AsciiBytes { get; } = Ascii.IsValid(text) ? Encoding.ASCII.GetBytes(text) : null;
}
