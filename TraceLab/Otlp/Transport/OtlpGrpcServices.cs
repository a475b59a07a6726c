using DistributedTracing.TraceLab.Forwarding;
using DistributedTracing.TraceLab.Otlp.Decoding;
using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Otlp.Transport;

// OTLP/gRPC: the three collector services (bound in OtlpGrpcMethodProvider). They are thin on purpose:
// the ingest classes do the work, shared with OTLP/HTTP. A request whose every item is invalid is
// answered InvalidArgument; one that is partly valid gets OTLP's partial success. An accepted export is
// handed to the forwarder as the bytes received; the forwarder copies them and never makes ingest wait.

public sealed class OtlpTraceGrpcService(OtlpTraceIngest ingest, ForwardingQueue forwarding)
{
    public Task<ExportTraceServiceResponse> Export(OtlpPayload request)
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
                throw OtlpGrpcResults.NotValid<ExportTraceServiceRequest>(ex.Message);
            }

            return Task.FromResult(OtlpExportResponses.Traces(OtlpGrpcResults.Accept(result, forwarding, OtlpSignal.Traces, request)));
        }
    }
}

public sealed class OtlpLogsGrpcService(OtlpLogsIngest ingest, ForwardingQueue forwarding)
{
    public Task<ExportLogsServiceResponse> Export(OtlpPayload request)
    {
        using (request)
        {
            var result = ingest.Ingest(OtlpGrpcResults.Parse(request, ExportLogsServiceRequest.Parser));
            return Task.FromResult(OtlpExportResponses.Logs(OtlpGrpcResults.Accept(result, forwarding, OtlpSignal.Logs, request)));
        }
    }
}

public sealed class OtlpMetricsGrpcService(OtlpMetricsIngest ingest, ForwardingQueue forwarding)
{
    public Task<ExportMetricsServiceResponse> Export(OtlpPayload request)
    {
        using (request)
        {
            var result = ingest.Ingest(OtlpGrpcResults.Parse(request, ExportMetricsServiceRequest.Parser));
            return Task.FromResult(OtlpExportResponses.Metrics(OtlpGrpcResults.Accept(result, forwarding, OtlpSignal.Metrics, request)));
        }
    }
}

internal static class OtlpGrpcResults
{
    public static T Parse<T>(OtlpPayload request, MessageParser<T> parser)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(request.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw NotValid<T>(ex.Message);
        }
    }

    public static RpcException NotValid<T>(string reason) =>
        new(new Status(StatusCode.InvalidArgument, $"The message is not a valid {typeof(T).Name}: {reason}"));

    /// <summary>Refuses a request with nothing stored; forwards any other, whole, as it was received.</summary>
    public static OtlpIngestResult Accept(OtlpIngestResult result, ForwardingQueue forwarding, OtlpSignal signal, OtlpPayload request)
    {
        if (result.RejectedEverything)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, OtlpExportResponses.NothingStoredMessage(result)));
        }

        forwarding.TryEnqueue(signal, new(request.Memory));
        return result;
    }
}
