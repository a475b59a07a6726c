using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting.Tracing;

/// <summary>
/// Records the W3C baggage a service received on the span that received it (a SERVER or CONSUMER span
/// with a remote parent), one <c>baggage.&lt;key&gt;</c> attribute per entry. Baggage travels beside
/// traceparent in the same carrier but is not part of a span, so without this a trace viewer cannot show
/// what crossed a hop. Only entries that arrived are recorded, never ones a service adds itself.
/// </summary>
public sealed class ReceivedBaggageProcessor : BaseProcessor<Activity>
{
    public const string AttributePrefix = "baggage.";

    public override void OnStart(Activity data)
    {
        if (data.Kind is not (ActivityKind.Server or ActivityKind.Consumer) || !data.HasRemoteParent)
        {
            return;
        }

        // ASP.NET Core puts the incoming header on the activity before it starts; the RabbitMQ consumer
        // puts it in Baggage.Current before starting its span.
        foreach (var (key, value) in data.Baggage)
        {
            data.SetTag(AttributePrefix + key, value);
        }

        foreach (var (key, value) in Baggage.Current)
        {
            if (data.GetTagItem(AttributePrefix + key) is null)
            {
                data.SetTag(AttributePrefix + key, value);
            }
        }
    }
}
