using System.Diagnostics;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;

namespace DistributedTracing.TraceLab.Bench;

/// <summary>
/// Spans per second the Trace Lab ingests from pre-encoded 512-span exports, 8 requests in flight,
/// the sender on the same machine (as the figures in the issue were measured).
/// </summary>
public static class IngestBenchmark
{
    private static readonly Method<byte[], byte[]> Export = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    public static async Task<double> RunAsync(string protocol, byte[][] bodies, int spansPerRequest, TimeSpan duration, int inFlight)
    {
        await using var lab = await TraceLabProcess.StartAsync(maxTraceCount: 10_000);
        Func<byte[], Task> send = protocol == "grpc" ? GrpcSender(lab) : HttpSender(lab);

        // Warm up the JIT and connections, then measure.
        await RunForAsync(send, bodies, TimeSpan.FromSeconds(3), inFlight);
        var requests = await RunForAsync(send, bodies, duration, inFlight);
        return requests.Count * (double)spansPerRequest / requests.Elapsed.TotalSeconds;
    }

    private static async Task<(long Count, TimeSpan Elapsed)> RunForAsync(Func<byte[], Task> send, byte[][] bodies, TimeSpan duration, int inFlight)
    {
        long next = 0, done = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (stopwatch.Elapsed < duration)
            {
                var index = Interlocked.Increment(ref next);
                await send(bodies[index % bodies.Length]);
                Interlocked.Increment(ref done);
            }
        });
        await Task.WhenAll(workers);
        return (done, stopwatch.Elapsed);
    }

    private static Func<byte[], Task> GrpcSender(TraceLabProcess lab)
    {
        var channel = GrpcChannel.ForAddress(lab.GrpcUrl);
        var invoker = channel.CreateCallInvoker();
        var headers = new Metadata { { "x-otlp-api-key", TraceLabProcess.ApiKey } };
        return async body => await invoker.AsyncUnaryCall(Export, null, new CallOptions(headers), body);
    }

    private static Func<byte[], Task> HttpSender(TraceLabProcess lab)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(lab.HttpUrl) };
        client.DefaultRequestHeaders.Add("x-otlp-api-key", TraceLabProcess.ApiKey);
        return async body =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await client.PostAsync("/v1/traces", content);
            response.EnsureSuccessStatusCode();
        };
    }
}
