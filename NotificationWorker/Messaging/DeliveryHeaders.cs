using System.Globalization;
using System.Text;
using DistributedTracing.Messaging;
using RabbitMQ.Client;

namespace DistributedTracing.NotificationWorker.Messaging;

/// <summary>Reading the attempt number from a delivery, and the properties a retried or dead-lettered copy travels with.</summary>
public static class DeliveryHeaders
{
    /// <summary>The attempt this delivery is (1-based): 1 without the header, or with one that makes no sense.</summary>
    public static int AttemptOf(IReadOnlyBasicProperties properties)
    {
        object? value = null;
        properties.Headers?.TryGetValue(OrderPlaced.DeliveryAttemptHeader, out value);
        long? attempt = value switch
        {
            int number => number,
            long number => number,
            short number => number,
            byte number => number,
            // Header strings arrive as bytes; some clients send the number as text.
            byte[] bytes when long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            string text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
        return attempt is >= 1 and <= int.MaxValue ? (int)attempt.Value : 1;
    }

    /// <summary>
    /// A copy of the delivery's properties with every header it came with (traceparent, tracestate and baggage
    /// among them, so each attempt continues the one publish span) and <paramref name="headers"/> set over them.
    /// The broker's own dead-letter history (x-death…) stays behind: it grows on each pass through a retry queue.
    /// </summary>
    public static BasicProperties Forward(IReadOnlyBasicProperties original, IReadOnlyDictionary<string, object?> headers)
    {
        var forwarded = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in original.Headers ?? new Dictionary<string, object?>())
        {
            if (!IsBrokerDeathHeader(key))
            {
                forwarded[key] = value;
            }
        }

        foreach (var (key, value) in headers)
        {
            forwarded[key] = value;
        }

        return new BasicProperties
        {
            MessageId = original.MessageId,
            CorrelationId = original.CorrelationId,
            ContentType = original.ContentType,
            ContentEncoding = original.ContentEncoding,
            Type = original.Type,
            AppId = original.AppId,
            Timestamp = original.Timestamp,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = forwarded,
        };
    }

    private static bool IsBrokerDeathHeader(string key) =>
        key.StartsWith("x-death", StringComparison.Ordinal)
        || key.StartsWith("x-first-death-", StringComparison.Ordinal)
        || key.StartsWith("x-last-death-", StringComparison.Ordinal);
}
