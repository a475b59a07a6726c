using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace DistributedTracing.Hosting.ApplicationModel;

/// <summary>Generated credentials, and masking for anything shown to people.</summary>
public static partial class Secrets
{
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public const string Mask = "********";

    [GeneratedRegex(@"(?i)(password|pwd)=([^;]*)")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)^(amqps?://[^:/@]+:)([^@]*)(@)")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?i)(api-key=|apikey=|\btoken=|[?&]t=)([^,;&\s]+)")]
    private static partial Regex KeyValueSecret();

    [GeneratedRegex(@"(?i)(PASSWORD|SECRET|TOKEN|APIKEY|API_KEY|KEY$)")]
    private static partial Regex SecretName();

    /// <summary>The value as it may be shown: passwords, keys and tokens replaced by a mask.</summary>
    public static string MaskValue(string name, string value)
    {
        if (SecretName().IsMatch(name.Replace("__", "_", StringComparison.Ordinal)))
        {
            return Mask;
        }

        value = ConnectionStringPassword().Replace(value, m => $"{m.Groups[1].Value}={Mask}");
        value = UrlPassword().Replace(value, m => m.Groups[1].Value + Mask + m.Groups[3].Value);
        return KeyValueSecret().Replace(value, m => m.Groups[1].Value + Mask);
    }
}
