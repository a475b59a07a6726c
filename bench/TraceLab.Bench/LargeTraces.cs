using System.Security.Cryptography;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Bench;

/// <summary>
/// One large trace shaped like a busy system's: a root request fanning out across six services, each
/// span a child of a recent span (so the tree is both wide and up to a few dozen levels deep), children
/// inside their parent's time. Encoded as several OTLP exports, one resource per service.
/// </summary>
public static class LargeTraces
{
    private const int MaxDepth = 24;

    private static readonly string[] Services = ["gateway", "orderservice", "userservice", "payments", "inventory", "notificationworker"];

    public static (string TraceId, List<byte[]> Bodies) Create(int spanCount, int spansPerBody = 5_000)
    {
        var random = new Random(spanCount);
        var traceId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16));
        var start = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var ids = new ByteString[spanCount];
        var starts = new ulong[spanCount];
        var ends = new ulong[spanCount];
        var services = new int[spanCount];
        var parents = new int[spanCount];
        var depths = new int[spanCount];
        var bodies = new List<byte[]>();
        var perService = NewBody();

        for (var i = 0; i < spanCount; i++)
        {
            ids[i] = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8));
            var parent = i == 0 ? -1 : random.Next(Math.Max(0, i - 40), i);
            while (parent >= 0 && depths[parent] >= MaxDepth)
            {
                parent = parents[parent];
            }

            parents[i] = parent;
            depths[i] = parent < 0 ? 0 : depths[parent] + 1;
            if (parent < 0)
            {
                starts[i] = start;
                ends[i] = start + 30_000_000_000UL;
                services[i] = 0;
            }
            else
            {
                var length = ends[parent] - starts[parent];
                starts[i] = starts[parent] + (ulong)(random.NextDouble() * length * 0.6);
                ends[i] = starts[i] + Math.Max(1_000UL, (ulong)(random.NextDouble() * (ends[parent] - starts[i])));
                services[i] = random.Next(10) == 0 ? random.Next(Services.Length) : services[parent];
            }

            var span = new Span
            {
                TraceId = traceId,
                SpanId = ids[i],
                ParentSpanId = parent < 0 ? ByteString.Empty : ids[parent],
                Name = $"{Services[services[i]]} step {i % 97}",
                Kind = parent < 0 || services[i] != services[parent] ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Internal,
                StartTimeUnixNano = starts[i],
                EndTimeUnixNano = ends[i],
            };
            if (random.Next(200) == 0)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "simulated failure" };
            }

            for (var a = 0; a < 6; a++)
            {
                span.Attributes.Add(new KeyValue { Key = $"app.attribute.{a}", Value = new AnyValue { StringValue = $"value {i}-{a}" } });
            }

            perService[services[i]].ScopeSpans[0].Spans.Add(span);
            if ((i + 1) % spansPerBody == 0 || i == spanCount - 1)
            {
                var request = new ExportTraceServiceRequest();
                request.ResourceSpans.AddRange(perService.Where(r => r.ScopeSpans[0].Spans.Count > 0));
                bodies.Add(request.ToByteArray());
                perService = NewBody();
            }
        }

        return (Convert.ToHexStringLower(traceId.Span), bodies);
    }

    private static ResourceSpans[] NewBody() => Services.Select(name =>
    {
        var resourceSpans = new ResourceSpans { Resource = new Resource() };
        resourceSpans.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = name } });
        resourceSpans.ScopeSpans.Add(new ScopeSpans { Scope = new InstrumentationScope { Name = "bench" } });
        return resourceSpans;
    }).ToArray();
}
