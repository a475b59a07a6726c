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

    /// <summary>
    /// OTLP/HTTP bodies read and decoded at once; more wait their turn. With the body limit this bounds
    /// the memory that exports in flight can hold, however many connections send them.
    /// </summary>
    public int MaxConcurrentBodyReads { get; set; } = 4;
}

/// <summary>
/// What the store keeps. Counts say how many; the byte budgets bound memory whatever arrives, since
/// every stored span, log and point is charged its estimated size (see README's security section).
/// </summary>
public sealed class TelemetryLimitOptions
{
    public int MaxTraceCount { get; set; } = 10_000;

    public int MaxLogCount { get; set; } = 10_000;

    /// <summary>Spans beyond this count in one trace are dropped and counted on the trace.</summary>
    public int MaxSpansPerTrace { get; set; } = 100_000;

    /// <summary>Estimated memory of all stored spans; past it the oldest traces go (256 MiB by default, about 300,000 typical spans).</summary>
    public long MaxSpanBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Estimated memory of all stored log records; past it the oldest go (64 MiB by default).</summary>
    public long MaxLogBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Estimated memory of all stored metric points; past it the oldest points of the least recently written resource go (32 MiB by default).</summary>
    public long MaxMetricBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Sending processes (service name plus instance id) remembered at once; the one unseen longest goes, with its metrics.</summary>
    public int MaxResourceCount { get; set; } = 1_000;

    public int MaxAttributeCount { get; set; } = 128;

    /// <summary>
    /// Longer string values (and span, event and scope names, status messages) are cut to this many
    /// characters. Not set means unlimited; the byte budgets still bound memory.
    /// </summary>
    public int? MaxAttributeLength { get; set; } = 4_096;

    /// <summary>Events kept per span; the rest are counted as dropped.</summary>
    public int MaxEventsPerSpan { get; set; } = 128;

    /// <summary>Links kept per span; the rest are counted as dropped.</summary>
    public int MaxLinksPerSpan { get; set; } = 128;

    /// <summary>Metric data points kept per telemetry resource; the oldest go first.</summary>
    public int MaxMetricPointsPerResource { get; set; } = 10_000;
}
