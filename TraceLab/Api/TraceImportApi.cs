using System.Text.Json;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Formats;
using DistributedTracing.TraceLab.Formats.Jaeger;
using DistributedTracing.TraceLab.Formats.OtlpJson;
using DistributedTracing.TraceLab.Otlp.Decoding;
using DistributedTracing.TraceLab.Otlp.Transport;
using DistributedTracing.TraceLab.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// <c>POST /api/traces/import</c>: a file downloaded from a trace page (OTLP JSON or Jaeger JSON), or one
/// from another tool in those formats, goes into the store like any export, so it can be viewed again.
/// </summary>
public static class TraceImportApi
{
    public static RouteGroupBuilder MapTraceImportApi(this RouteGroupBuilder api)
    {
        api.MapPost("/traces/import", ImportAsync).WithMetadata(ReadsExportBodyMetadata.Instance);
        return api;
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, OtlpTraceIngest ingest, IOptions<TraceLabOptions> options, CancellationToken cancellationToken)
    {
        // A JSON content type also keeps other sites' forms out: a browser sends it cross-site only after a CORS check.
        if (!OtlpHttpResponses.IsJson(request))
        {
            return TypedResults.Problem(detail: "Send the file as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        ExportTraceServiceRequest export;
        try
        {
            export = await OtlpRequestBody.ReadAsync(request, options.Value.Otlp.MaxRequestBodySize, Parse, cancellationToken);
        }
        catch (OtlpBodyException ex)
        {
            return TypedResults.Problem(detail: ex.Message, statusCode: ex.StatusCode, title: "Cannot read the file");
        }
        catch (FormatException ex)
        {
            return ApiProblems.BadRequest($"The file is not a trace in OTLP JSON or Jaeger JSON: {ex.Message}.");
        }

        var traceIds = export.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .Where(s => s.TraceId.Length == 16)
            .Select(s => TraceId.FromBytes(s.TraceId.Span).ToString())
            .Distinct()
            .ToList();
        if (traceIds.Count == 0)
        {
            return ApiProblems.BadRequest("The file is not a trace in OTLP JSON or Jaeger JSON: it holds no spans.");
        }

        OtlpIngestResult result;
        try
        {
            result = ingest.Ingest(export);
        }
        catch (OtlpFormatException ex)
        {
            return ApiProblems.BadRequest($"The file is not a trace in OTLP JSON or Jaeger JSON: {ex.Message}.");
        }

        if (result.Accepted == 0)
        {
            return ApiProblems.BadRequest($"No span of the file could be kept: {result.ErrorMessage}.");
        }

        return TypedResults.Ok(new TraceImportDto(traceIds, result.Accepted, result.Rejected, result.ErrorMessage));
    }

    /// <summary>OTLP JSON has <c>resourceSpans</c> at the top; anything else is read as Jaeger JSON.</summary>
    private static ExportTraceServiceRequest Parse(System.Buffers.ReadOnlySequence<byte> body)
    {
        using var payload = OtlpPayload.CopyOf(body);
        using var document = StrictJson.Parse(payload.Memory);
        var root = document.RootElement;
        return root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("resourceSpans", out _) || root.TryGetProperty("resource_spans", out _))
            ? OtlpJson.Parse<ExportTraceServiceRequest>(payload.Memory)
            : JaegerJsonReader.Read(root);
    }
}

public sealed record TraceImportDto(IReadOnlyList<string> TraceIds, int AcceptedSpans, int RejectedSpans, string? FirstError);
