using DistributedTracing.TraceLab.Configuration;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// The far end, resolved once from validated options. A class, not a record: a record's generated
/// ToString would print the headers, and they hold Aspire's OTLP key.
/// </summary>
public sealed class ForwardingTarget
{
    private ForwardingTarget(Uri endpoint, bool usesGrpc, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan timeout)
    {
        Endpoint = endpoint;
        UsesGrpc = usesGrpc;
        Headers = headers;
        Timeout = timeout;
    }

    public Uri Endpoint { get; }

    public bool UsesGrpc { get; }

    public string Protocol => UsesGrpc ? ForwardingOptions.Grpc : ForwardingOptions.HttpProtobuf;

    /// <summary>Secret: sent, never shown.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The endpoint as it may be shown and logged: without user info or query.</summary>
    public string Display => Endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>The target, or null when forwarding is off. Options are validated before this runs.</summary>
    public static ForwardingTarget? From(ForwardingOptions options)
    {
        if (!options.IsOn || !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) ||
            !OtlpHeaderList.TryParse(options.Headers, out var headers, out _))
        {
            return null;
        }

        return new ForwardingTarget(endpoint, options.UsesGrpc, headers, TimeSpan.FromMilliseconds(options.TimeoutMilliseconds));
    }

    public override string ToString() => $"{Display} ({Protocol})";
}
