using System.Security.Cryptography;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Bench;

/// <summary>Pre-encoded OTLP trace exports: every span unique, 10 attributes whose values differ per span.</summary>
public static class ExportRequests
{
    public static byte[][] Create(int requestCount, int spansPerRequest, int spansPerTrace, int attributesPerSpan)
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var requests = new byte[requestCount][];
        var sequence = 0L;
        for (var r = 0; r < requestCount; r++)
        {
            var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench", Version = "1.0" } };
            ByteString traceId = ByteString.Empty, rootId = ByteString.Empty;
            for (var s = 0; s < spansPerRequest; s++)
            {
                var spanId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8));
                if (s % spansPerTrace == 0)
                {
                    traceId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16));
                    rootId = spanId;
                }

                var span = new Span
                {
                    TraceId = traceId,
                    SpanId = spanId,
                    ParentSpanId = spanId == rootId ? ByteString.Empty : rootId,
                    Name = $"operation {s % 20}",
                    Kind = Span.Types.SpanKind.Server,
                    StartTimeUnixNano = now + ((ulong)s * 1000),
                    EndTimeUnixNano = now + ((ulong)s * 1000) + 500_000,
                };
                sequence++;
                for (var a = 0; a < attributesPerSpan; a++)
                {
                    span.Attributes.Add(new KeyValue { Key = $"bench.attribute.{a}", Value = new AnyValue { StringValue = $"value-{sequence}-{a}" } });
                }

                scopeSpans.Spans.Add(span);
            }

            var resourceSpans = new ResourceSpans { Resource = new Resource() };
            resourceSpans.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "bench" } });
            resourceSpans.ScopeSpans.Add(scopeSpans);
            var request = new ExportTraceServiceRequest();
            request.ResourceSpans.Add(resourceSpans);
            requests[r] = request.ToByteArray();
        }

        return requests;
    }
}
