using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Hand-built OTLP requests, for cases the SDK would never send (bad ids, odd orders, floods).</summary>
public static class OtlpRequests
{
    public static readonly ulong Now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public static byte[] NewTraceId() => RandomNumberGenerator.GetBytes(16);

    public static byte[] NewSpanId() => RandomNumberGenerator.GetBytes(8);

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static Span Span(byte[] traceId, byte[] spanId, byte[]? parentSpanId, string name, ulong startOffsetMs = 0, ulong durationMs = 10, int attributeCount = 0) =>
        SpanWithTimes(traceId, spanId, parentSpanId, name, Now + (startOffsetMs * 1_000_000), Now + ((startOffsetMs + durationMs) * 1_000_000), attributeCount);

    public static Span SpanWithTimes(byte[] traceId, byte[] spanId, byte[]? parentSpanId, string name, ulong start, ulong end, int attributeCount = 0)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            ParentSpanId = parentSpanId is null ? ByteString.Empty : ByteString.CopyFrom(parentSpanId),
            Name = name,
            Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
        };
        for (var i = 0; i < attributeCount; i++)
        {
            span.Attributes.Add(Attribute($"attr.{i}", $"value-{i}"));
        }

        return span;
    }

    public static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static ExportTraceServiceRequest Traces(string serviceName, params Span[] spans)
    {
        var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scopeSpans.Spans.Add(spans);
        var resourceSpans = new ResourceSpans { Resource = new Resource() };
        resourceSpans.Resource.Attributes.Add(Attribute("service.name", serviceName));
        resourceSpans.ScopeSpans.Add(scopeSpans);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    public static ExportLogsServiceRequest Logs(string serviceName, params LogRecord[] records)
    {
        var scopeLogs = new ScopeLogs { Scope = new InstrumentationScope { Name = "test" } };
        scopeLogs.LogRecords.Add(records);
        var resourceLogs = new ResourceLogs { Resource = new Resource() };
        resourceLogs.Resource.Attributes.Add(Attribute("service.name", serviceName));
        resourceLogs.ScopeLogs.Add(scopeLogs);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static ByteArrayContent Protobuf(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    public static async Task<HttpResponseMessage> PostTracesAsync(this TraceLabServer server, ExportTraceServiceRequest request) =>
        await server.Otlp.PostAsync("/v1/traces", Protobuf(request));

    public static async Task PostTracesOkAsync(this TraceLabServer server, ExportTraceServiceRequest request)
    {
        using var response = await server.PostTracesAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
