using System.Buffers;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Formats.OtlpJson;
using DistributedTracing.TraceLab.Forwarding;
using DistributedTracing.TraceLab.Otlp.Decoding;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/logs</c> and <c>/v1/metrics</c>, protobuf or JSON.</summary>
public static class OtlpHttpEndpoints
{
    public static IEndpointConventionBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1");

        group.MapPost("/traces", (HttpContext context, OtlpTraceIngest ingest) =>
            HandleAsync<ExportTraceServiceRequest, ExportTraceServiceResponse>(context, OtlpSignal.Traces, body => IngestTraces(ingest, body), OtlpExportResponses.Traces));

        group.MapPost("/logs", (HttpContext context, OtlpLogsIngest ingest) =>
            HandleAsync<ExportLogsServiceRequest, ExportLogsServiceResponse>(context, OtlpSignal.Logs,
                body => ingest.Ingest(ParseProtobuf(body, ExportLogsServiceRequest.Parser)), OtlpExportResponses.Logs));

        group.MapPost("/metrics", (HttpContext context, OtlpMetricsIngest ingest) =>
            HandleAsync<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(context, OtlpSignal.Metrics,
                body => ingest.Ingest(ParseProtobuf(body, ExportMetricsServiceRequest.Parser)), OtlpExportResponses.Metrics));

        return group;
    }

    /// <summary>
    /// Reads the body (gunzipped), turns OTLP/JSON into protobuf once, so ingest and the forwarder see one
    /// format, ingests it, and hands an accepted export to the forwarder, which copies it and never makes
    /// this request wait.
    /// </summary>
    private static async Task HandleAsync<TRequest, TResponse>(
        HttpContext context,
        OtlpSignal signal,
        Func<ReadOnlySequence<byte>, OtlpIngestResult> ingestProtobuf,
        Func<OtlpIngestResult, TResponse> respond)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage
    {
        var request = context.Request;
        var json = OtlpHttpResponses.IsJson(request);
        if (!json && !OtlpHttpResponses.IsProtobuf(request))
        {
            await OtlpHttpResponses.WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCode.InvalidArgument,
                $"Content-Type '{request.ContentType}' is not supported; send application/x-protobuf or application/json.");
            return;
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<TraceLabOptions>>().Value.Otlp.MaxRequestBodySize;
        var forwarding = context.RequestServices.GetRequiredService<ForwardingQueue>();
        OtlpIngestResult result;
        try
        {
            result = await OtlpRequestBody.ReadAsync(request, limit, body =>
            {
                var protobuf = json ? new ReadOnlySequence<byte>(ParseJson<TRequest>(body).ToByteArray()) : body;
                var ingested = ingestProtobuf(protobuf);
                if (!ingested.RejectedEverything)
                {
                    forwarding.TryEnqueue(signal, protobuf);
                }

                return ingested;
            }, context.RequestAborted);
        }
        catch (OtlpBodyException ex)
        {
            await OtlpHttpResponses.WriteErrorAsync(context, ex.StatusCode, StatusCode.InvalidArgument, ex.Message);
            return;
        }

        if (result.RejectedEverything)
        {
            await OtlpHttpResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument,
                OtlpExportResponses.NothingStoredMessage(result));
            return;
        }

        await OtlpHttpResponses.WriteMessageAsync(context, respond(result));
    }

    // Protobuf trace bodies skip the general parser: the span decoder reads the wire bytes itself.
    private static OtlpIngestResult IngestTraces(OtlpTraceIngest ingest, ReadOnlySequence<byte> body)
    {
        try
        {
            return ingest.Ingest(body);
        }
        catch (OtlpFormatException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"The body is not a valid ExportTraceServiceRequest protobuf message: {ex.Message}");
        }
    }

    private static TRequest ParseProtobuf<TRequest>(ReadOnlySequence<byte> body, MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>
    {
        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"The body is not a valid {typeof(TRequest).Name} protobuf message: {ex.Message}");
        }
    }

    private static TRequest ParseJson<TRequest>(ReadOnlySequence<byte> body)
        where TRequest : IMessage<TRequest>, new()
    {
        try
        {
            return OtlpJson.Parse<TRequest>(body.IsSingleSegment ? body.First : body.ToArray());
        }
        catch (FormatException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"The body is not a valid {typeof(TRequest).Name} in OTLP/JSON: {ex.Message}");
        }
    }
}
