using System.Security.Cryptography;
using System.Text;

namespace DistributedTracing.TraceLab.Security;

/// <summary>Compares secrets in constant time, so response timing reveals nothing about the expected value.</summary>
public static class SecretComparer
{
    public static bool Matches(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        // Hashing first gives equal lengths, so even the length of the secret does not leak.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    public static string GenerateToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>For logs and pages: enough to tell two secrets apart, never enough to use one.</summary>
    public static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "****" + (secret.Length > 12 ? secret[^2..] : "");
}
