using System.Buffers;
using DistributedTracing.Dashboard.Configuration;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.Dashboard.Otlp;

/// <summary>OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/logs</c> and <c>/v1/metrics</c>, protobuf or JSON.</summary>
public static class OtlpHttpEndpoints
{
    public static IEndpointConventionBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1");

        group.MapPost("/traces", (HttpContext context, OtlpTraceIngest ingest) =>
            HandleAsync(context, (body, json) => json ? ingest.Ingest(Parse(body, json, ExportTraceServiceRequest.Parser)) : IngestTraces(ingest, body), OtlpExportResponses.Traces));

        group.MapPost("/logs", (HttpContext context, OtlpLogsIngest ingest) =>
            HandleAsync(context, (body, json) => ingest.Ingest(Parse(body, json, ExportLogsServiceRequest.Parser)), OtlpExportResponses.Logs));

        group.MapPost("/metrics", (HttpContext context, OtlpMetricsIngest ingest) =>
            HandleAsync(context, (body, json) => ingest.Ingest(Parse(body, json, ExportMetricsServiceRequest.Parser)), OtlpExportResponses.Metrics));

        return group;
    }

    private static async Task HandleAsync<TResponse>(
        HttpContext context,
        Func<ReadOnlySequence<byte>, bool, OtlpIngestResult> ingest,
        Func<OtlpIngestResult, TResponse> respond)
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

        var limit = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value.Otlp.MaxRequestBodySize;
        OtlpIngestResult result;
        try
        {
            result = await OtlpRequestBody.ReadAsync(request, limit, body => ingest(body, json), context.RequestAborted);
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

    private static TRequest Parse<TRequest>(ReadOnlySequence<byte> body, bool json, MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest>, new()
    {
        try
        {
            return json ? OtlpJson.Parse<TRequest>(body.IsSingleSegment ? body.FirstSpan : body.ToArray()) : parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"The body is not a valid {typeof(TRequest).Name} protobuf message: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"The body is not a valid {typeof(TRequest).Name} in OTLP/JSON: {ex.Message}");
        }
    }
}
