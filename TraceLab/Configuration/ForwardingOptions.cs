namespace DistributedTracing.TraceLab.Configuration;

/// <summary>
/// <c>TraceLab:Forwarding</c>: where the Lab sends a copy of every accepted export (Aspire's dashboard,
/// under the AppHost). Without an endpoint here, the standard <c>OTEL_EXPORTER_OTLP_*</c> variables name
/// the target (see <see cref="ForwardingTargetFallback"/>); with neither, nothing is forwarded.
/// </summary>
public sealed class ForwardingOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>False switches forwarding off even when the OTEL variables name a target.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The collector's base URL: gRPC's server root, or the root under which <c>/v1/traces</c> etc. are.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (the default, as in the .NET SDK and Aspire) or <c>http/protobuf</c>.</summary>
    public string? Protocol { get; set; }

    /// <summary>Sent with every export, OTEL style: <c>key=value,key2=value2</c>, values URL-encoded. Holds secrets: never logged.</summary>
    public string? Headers { get; set; }

    public int MaxQueuedRequests { get; set; } = 1_000;

    public long MaxQueuedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long one send may take before it counts as failed.</summary>
    public int TimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>Set when the target came from the OTEL variables, so messages name the setting the user wrote.</summary>
    internal bool FromOtelVariables { get; set; }

    public bool IsOn => Enabled && !string.IsNullOrWhiteSpace(Endpoint);

    public bool UsesGrpc => string.IsNullOrWhiteSpace(Protocol) || Protocol.Trim().Equals(Grpc, StringComparison.OrdinalIgnoreCase);

    internal string EndpointSetting => FromOtelVariables ? "OTEL_EXPORTER_OTLP_ENDPOINT" : "TraceLab:Forwarding:Endpoint";

    internal string ProtocolSetting => FromOtelVariables ? "OTEL_EXPORTER_OTLP_PROTOCOL" : "TraceLab:Forwarding:Protocol";

    internal string HeadersSetting => FromOtelVariables ? "OTEL_EXPORTER_OTLP_HEADERS" : "TraceLab:Forwarding:Headers";
}
