using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.Dashboard.Otlp;

// OTLP/gRPC: the three collector services (bound in OtlpGrpcMethodProvider). They are thin on purpose:
// the ingest classes do the work, shared with OTLP/HTTP. A request whose every item is invalid is
// answered InvalidArgument; one that is partly valid gets OTLP's partial success.

public sealed class OtlpTraceGrpcService(OtlpTraceIngest ingest)
{
    public Task<ExportTraceServiceResponse> Export(OtlpPayload request, ServerCallContext context)
    {
        using (request)
        {
            OtlpIngestResult result;
            try
            {
                result = ingest.Ingest(request.Span);
            }
            catch (OtlpFormatException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The message is not a valid ExportTraceServiceRequest: {ex.Message}"));
            }

            return Task.FromResult(OtlpExportResponses.Traces(OtlpGrpcResults.ThrowIfNothingStored(result)));
        }
    }
}

public sealed class OtlpLogsGrpcService(OtlpLogsIngest ingest)
{
    public Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(OtlpExportResponses.Logs(OtlpGrpcResults.ThrowIfNothingStored(ingest.Ingest(request))));
}

public sealed class OtlpMetricsGrpcService(OtlpMetricsIngest ingest)
{
    public Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(OtlpExportResponses.Metrics(OtlpGrpcResults.ThrowIfNothingStored(ingest.Ingest(request))));
}

internal static class OtlpGrpcResults
{
    public static OtlpIngestResult ThrowIfNothingStored(OtlpIngestResult result) => result.RejectedEverything
        ? throw new RpcException(new Status(StatusCode.InvalidArgument, OtlpExportResponses.NothingStoredMessage(result)))
        : result;
}
