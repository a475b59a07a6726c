using System.Buffers;
using DistributedTracing.TraceLab.Otlp.Transport;
using Grpc.Core;
using Grpc.Net.Client;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// OTLP/gRPC: the export's bytes as the request message of the collector's Export method, never parsed
/// again. Over http:// the channel speaks HTTP/2 with prior knowledge (as Aspire's dashboard listens);
/// over https:// it negotiates HTTP/2.
/// </summary>
internal sealed class OtlpGrpcExportSender : IOtlpExportSender
{
    private static readonly Marshaller<OtlpPayload> RequestBytes = new(
        (payload, serialization) =>
        {
            serialization.SetPayloadLength(payload.Length);
            var writer = serialization.GetBufferWriter();
            writer.Write(payload.Span);
            serialization.Complete();
        },
        _ => throw new NotSupportedException("the forwarder only sends export requests"));

    // The Export response (partial success at most) is not needed: a non-OK status is the failure that counts.
    private static readonly Marshaller<byte[]> IgnoredResponse = Marshallers.Create<byte[]>(bytes => bytes, _ => []);

    private static readonly Dictionary<OtlpSignal, Method<OtlpPayload, byte[]>> ExportMethods = Enum.GetValues<OtlpSignal>()
        .ToDictionary(signal => signal, signal => new Method<OtlpPayload, byte[]>(MethodType.Unary, signal.GrpcServiceName(), "Export", RequestBytes, IgnoredResponse));

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata _headers = [];
    private readonly TimeSpan _timeout;

    public OtlpGrpcExportSender(ForwardingTarget target)
    {
        _channel = GrpcChannel.ForAddress(target.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = OtlpExportSenders.CreateHandler(target),
            DisposeHttpClient = true,
        });
        _invoker = _channel.CreateCallInvoker();
        foreach (var (key, value) in target.Headers)
        {
            _headers.Add(key, value);
        }

        _timeout = target.Timeout;
    }

    public async Task SendAsync(QueuedExport export, CancellationToken cancellationToken)
    {
        var options = new CallOptions(_headers, deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken);
        await _invoker.AsyncUnaryCall(ExportMethods[export.Signal], host: null, options, export.Body);
    }

    public void Dispose() => _channel.Dispose();
}
