using System.Buffers;
using DistributedTracing.TraceLab.Otlp.Transport;
using DistributedTracing.TraceLab.Telemetry;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>Validates and converts an OTLP trace export, then stores it in one batch.</summary>
public sealed class OtlpTraceIngest(TelemetryStore store, OtlpAttributeConverter converter)
{
    /// <summary>For requests already parsed (OTLP/JSON): re-encoded, so every path shares one decoder.</summary>
    public OtlpIngestResult Ingest(ExportTraceServiceRequest request) => Ingest(request.ToByteArray());

    /// <exception cref="OtlpFormatException">The body is not an ExportTraceServiceRequest.</exception>
    public OtlpIngestResult Ingest(ReadOnlySequence<byte> request)
    {
        if (request.IsSingleSegment)
        {
            return Ingest(request.FirstSpan);
        }

        using var payload = OtlpPayload.CopyOf(request);
        return Ingest(payload.Span);
    }

    /// <exception cref="OtlpFormatException">The body is not an ExportTraceServiceRequest.</exception>
    public OtlpIngestResult Ingest(ReadOnlySpan<byte> request)
    {
        var spans = new List<SpanRecord>();
        var rejections = new RejectionCounter();
        try
        {
            new OtlpSpanDecoder(store, converter, spans, rejections).DecodeRequest(request);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpFormatException(ex.Message);
        }

        var stored = spans.Count > 0 ? store.AddSpans(spans) : default;
        var firstError = rejections.FirstError ??
            (stored.DroppedOverLimit > 0 ? "trace is over TraceLab:TelemetryLimits:MaxSpansPerTrace, or alone fills MaxSpanBytes; the spans beyond were dropped" : null);
        return new OtlpIngestResult(spans.Count - stored.DroppedOverLimit, rejections.Count + stored.DroppedOverLimit, firstError);
    }
}
