using System.Diagnostics;
using OpenTelemetry;

namespace DistributedTracing.ServiceDefaults.Tracing;

/// <summary>
/// Records the W3C baggage a service received on the span that received it (a SERVER or CONSUMER span
/// with a remote parent), one <c>baggage.&lt;key&gt;</c> attribute per entry. Baggage travels beside
/// traceparent in the same carrier but is not part of a span, so without this a trace viewer cannot show
/// what crossed a hop. Only entries that arrived are recorded, never ones a service adds itself.
/// </summary>
/// <remarks>
/// Baggage comes from whoever calls the service, unauthenticated, and every recorded entry becomes an
/// attribute in every telemetry backend downstream. So at most <see cref="MaxEntries"/> entries and
/// <see cref="MaxTotalLength"/> characters of keys and values are recorded (the limits of OpenTelemetry's
/// W3C baggage propagator), keys no longer than <see cref="MaxKeyLength"/>; what is left out is counted in
/// <see cref="DroppedCountAttribute"/>.
/// </remarks>
public sealed class ReceivedBaggageProcessor : BaseProcessor<Activity>
{
    public const string AttributePrefix = "baggage.";

    /// <summary>How many received entries were not recorded; absent when none.</summary>
    public const string DroppedCountAttribute = "received_baggage.dropped_count";

    public const int MaxEntries = 180;

    public const int MaxTotalLength = 8192;

    public const int MaxKeyLength = 256;

    public override void OnStart(Activity data)
    {
        if (data.Kind is not (ActivityKind.Server or ActivityKind.Consumer) || !data.HasRemoteParent)
        {
            return;
        }

        var recorded = 0;
        var length = 0;
        var dropped = 0;
        void Record(string key, string? value)
        {
            var entryLength = key.Length + (value?.Length ?? 0);
            if (recorded == MaxEntries || key.Length > MaxKeyLength || length + entryLength > MaxTotalLength)
            {
                dropped++;
                return;
            }

            data.SetTag(AttributePrefix + key, value);
            recorded++;
            length += entryLength;
        }

        // ASP.NET Core puts the incoming header on the activity before it starts; the RabbitMQ consumer
        // puts it in Baggage.Current before starting its span.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in data.Baggage)
        {
            if (seen.Add(key))
            {
                Record(key, value);
            }
        }

        foreach (var (key, value) in Baggage.Current)
        {
            if (seen.Add(key))
            {
                Record(key, value);
            }
        }

        if (dropped > 0)
        {
            data.SetTag(DroppedCountAttribute, dropped);
        }
    }
}
