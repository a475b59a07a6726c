namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>The three kinds of OTLP export, each with its gRPC service and its OTLP/HTTP path.</summary>
public enum OtlpSignal
{
    Traces,
    Logs,
    Metrics,
}

public static class OtlpSignalNames
{
    /// <summary>The collector service whose <c>Export</c> method takes this signal.</summary>
    public static string GrpcServiceName(this OtlpSignal signal) => signal switch
    {
        OtlpSignal.Traces => "opentelemetry.proto.collector.trace.v1.TraceService",
        OtlpSignal.Logs => "opentelemetry.proto.collector.logs.v1.LogsService",
        _ => "opentelemetry.proto.collector.metrics.v1.MetricsService",
    };

    /// <summary>The OTLP/HTTP path, relative to the collector's base URL.</summary>
    public static string HttpPath(this OtlpSignal signal) => signal switch
    {
        OtlpSignal.Traces => "v1/traces",
        OtlpSignal.Logs => "v1/logs",
        _ => "v1/metrics",
    };
}
