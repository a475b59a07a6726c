using DistributedTracing.TraceLab.Otlp.Decoding;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>The OTLP export responses, with partial success filled in when something was rejected.</summary>
public static class OtlpExportResponses
{
    public static ExportTraceServiceResponse Traces(OtlpIngestResult result) => new()
    {
        PartialSuccess = result.Rejected > 0 ? new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.ErrorMessage ?? "" } : null,
    };

    public static ExportLogsServiceResponse Logs(OtlpIngestResult result) => new()
    {
        PartialSuccess = result.Rejected > 0 ? new ExportLogsPartialSuccess { RejectedLogRecords = result.Rejected, ErrorMessage = result.ErrorMessage ?? "" } : null,
    };

    public static ExportMetricsServiceResponse Metrics(OtlpIngestResult result) => new()
    {
        PartialSuccess = result.Rejected > 0 ? new ExportMetricsPartialSuccess { RejectedDataPoints = result.Rejected, ErrorMessage = result.ErrorMessage ?? "" } : null,
    };

    public static string NothingStoredMessage(OtlpIngestResult result) =>
        $"Nothing was stored: {result.Rejected} item(s) rejected; the first: {result.ErrorMessage}";
}
