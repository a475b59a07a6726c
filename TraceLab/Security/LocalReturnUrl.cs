using System.Text;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// Where a login goes on to: a path on this site only (never an open redirect), written so that it can
/// stand in a Location header whatever characters it arrived with.
/// </summary>
public static class LocalReturnUrl
{
    /// <summary>Longer than any link the Lab makes; a longer one goes home rather than into a header.</summary>
    public const int MaxLength = 2048;

    /// <summary>Only paths on this site: no scheme, no host, no protocol-relative "//" or "/\" tricks.</summary>
    /// <remarks>
    /// Control characters are refused rather than encoded: browsers drop tabs and line breaks from URLs,
    /// so "/\t/evil.example" would reach them as "//evil.example".
    /// </remarks>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) &&
        url.Length <= MaxLength &&
        url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) &&
        !url.Contains("://", StringComparison.Ordinal) &&
        !url.Any(char.IsControl);

    /// <summary>The value for the Location header: the return URL when it is local, else the home page.</summary>
    public static string ForRedirect(string? url)
    {
        if (!IsLocal(url))
        {
            return "/";
        }

        // Kestrel refuses a header value holding anything but printable ASCII (the request failed with 500):
        // every other byte of the UTF-8 goes percent-encoded, as a browser sends it. What is left is still a
        // path, since only its first two characters could have made it anything else.
        var location = new StringBuilder(url!.Length);
        foreach (var b in Encoding.UTF8.GetBytes(url))
        {
            if (b is > 0x20 and < 0x7F)
            {
                location.Append((char)b);
            }
            else
            {
                location.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return location.ToString();
    }
}
