namespace DistributedTracing.TraceLab.Configuration;

/// <summary>Everything under the <c>TraceLab</c> configuration section.</summary>
public sealed class TraceLabOptions
{
    public const string SectionName = "TraceLab";

    public FrontendOptions Frontend { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    public TelemetryLimitOptions TelemetryLimits { get; set; } = new();

    public ForwardingOptions Forwarding { get; set; } = new();

    /// <summary>Aspire's dashboard, linked from the nav bar when set; no link when not.</summary>
    public string? AspireDashboardUrl { get; set; }
}

public sealed class FrontendOptions
{
    /// <summary>Where the UI and query APIs listen.</summary>
    public string EndpointUrl { get; set; } = "http://127.0.0.1:18900";

    /// <summary>The token a browser or API client presents. Random when not set.</summary>
    public string? BrowserToken { get; set; }
}

public enum OtlpAuthMode
{
    /// <summary>Every export must carry <c>x-otlp-api-key</c>.</summary>
    ApiKey,

    /// <summary>Anyone who reaches the port may export. Must be chosen explicitly.</summary>
    Unsecured,
}

public sealed class OtlpOptions
{
    public const string ApiKeyHeaderName = "x-otlp-api-key";

    /// <summary>OTLP/gRPC (HTTP/2 with prior knowledge, as exporters speak it over cleartext).</summary>
    public string GrpcEndpointUrl { get; set; } = "http://127.0.0.1:18901";

    /// <summary>OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>.</summary>
    public string HttpEndpointUrl { get; set; } = "http://127.0.0.1:18902";

    public OtlpAuthMode AuthMode { get; set; } = OtlpAuthMode.ApiKey;

    public string? PrimaryApiKey { get; set; }

    /// <summary>A second accepted key, so keys can be rotated without a gap.</summary>
    public string? SecondaryApiKey { get; set; }

    /// <summary>Largest accepted export body, checked after decompression (16 MiB by default).</summary>
    public int MaxRequestBodySize { get; set; } = 16 * 1024 * 1024;
}

public sealed class TelemetryLimitOptions
{
    public int MaxTraceCount { get; set; } = 10_000;

    public int MaxLogCount { get; set; } = 10_000;

    /// <summary>Spans beyond this count in one trace are dropped and counted on the trace.</summary>
    public int MaxSpansPerTrace { get; set; } = 100_000;

    public int MaxAttributeCount { get; set; } = 128;

    /// <summary>Longer string values are cut to this many characters; unlimited when not set.</summary>
    public int? MaxAttributeLength { get; set; }

    /// <summary>Metric data points kept per telemetry resource; the oldest go first.</summary>
    public int MaxMetricPointsPerResource { get; set; } = 10_000;
}
