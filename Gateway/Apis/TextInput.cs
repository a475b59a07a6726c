namespace DistributedTracing.Gateway.Apis;

/// <summary>
/// The rule for every string the gateway accepts: present, no longer than its field allows, and free of
/// control characters (C0, DEL and C1: U+0000-U+001F, U+007F-U+009F). A NUL would otherwise travel to a
/// service and its database, which refuses it with an error that is the server's, not the caller's. (A lone
/// surrogate never gets this far: System.Text.Json refuses it while reading the body, a 400 too.) Problems
/// name the field and the rule, never the value: a caller that sent 100,000 characters must not get them back.
/// </summary>
public static class TextInput
{
    /// <summary>A person's name: long enough for any real one, short enough to show in a list.</summary>
    public const int MaxNameLength = 200;

    /// <summary>RFC 5321's limit on a path: 64 characters of local part, "@", 255 of domain.</summary>
    public const int MaxEmailLength = 320;

    /// <summary>The length of OrderService's <c>order_lines.sku</c> column.</summary>
    public const int MaxSkuLength = 64;

    /// <summary>Why <paramref name="value"/> (trimmed) is not acceptable for <paramref name="field"/>, or null when it is.</summary>
    public static string? Problem(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return $"{field} is required";
        }

        if (trimmed.Length > maxLength)
        {
            return $"{field} must be at most {maxLength} characters; it has {trimmed.Length}";
        }

        return trimmed.Any(char.IsControl) ? $"{field} must not contain control characters" : null;
    }
}
