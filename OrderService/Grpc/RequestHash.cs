using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DistributedTracing.OrderService.Grpc;

/// <summary>
/// What an idempotency key is bound to: SHA-256 of the user id and the lines, in order. Tabs and newlines
/// separate the fields safely, since a sku holds no control characters (PlaceOrder refuses them).
/// </summary>
public static class RequestHash
{
    public static string Of(PlaceOrderRequest request)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{request.UserId}\n");
        foreach (var item in request.Items)
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Sku.Trim()}\t{item.Quantity}\t{item.UnitPriceCents}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
