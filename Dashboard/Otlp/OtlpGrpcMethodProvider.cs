using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.Dashboard.Otlp;

/// <summary>
/// Binds the three OTLP Export methods by hand instead of through generated server stubs, for two reasons:
/// with the generated marshaller a body that is not valid protobuf surfaces as status Unknown ("exception
/// was thrown by handler"), where these answer InvalidArgument with the parser's reason; and trace exports
/// reach the span decoder as raw bytes, without the general parser's object per attribute.
/// </summary>
internal sealed class OtlpGrpcMethodProvider :
    IServiceMethodProvider<OtlpTraceGrpcService>,
    IServiceMethodProvider<OtlpLogsGrpcService>,
    IServiceMethodProvider<OtlpMetricsGrpcService>
{
    // Trace exports arrive as raw bytes in a pooled buffer: the span decoder reads the wire format itself.
    private static readonly Method<OtlpPayload, ExportTraceServiceResponse> ExportTraces = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        new Marshaller<OtlpPayload>(
            (payload, serialization) => serialization.Complete(payload.Span.ToArray()),
            deserialization => OtlpPayload.CopyOf(deserialization.PayloadAsReadOnlySequence())),
        ResponseMarshaller<ExportTraceServiceResponse>());

    private static readonly Method<ExportLogsServiceRequest, ExportLogsServiceResponse> ExportLogs =
        Export<ExportLogsServiceRequest, ExportLogsServiceResponse>("opentelemetry.proto.collector.logs.v1.LogsService");

    private static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> ExportMetrics =
        Export<ExportMetricsServiceRequest, ExportMetricsServiceResponse>("opentelemetry.proto.collector.metrics.v1.MetricsService");

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpTraceGrpcService> context) =>
        context.AddUnaryMethod(ExportTraces, [], (service, request, call) => service.Export(request, call));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpLogsGrpcService> context) =>
        context.AddUnaryMethod(ExportLogs, [], (service, request, call) => service.Export(request, call));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpMetricsGrpcService> context) =>
        context.AddUnaryMethod(ExportMetrics, [], (service, request, call) => service.Export(request, call));

    private static Method<TRequest, TResponse> Export<TRequest, TResponse>(string serviceName)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        new(MethodType.Unary, serviceName, "Export", StrictMarshaller(new MessageParser<TRequest>(() => new TRequest())), ResponseMarshaller<TResponse>());

    private static Marshaller<T> ResponseMarshaller<T>()
        where T : IMessage<T>, new() =>
        Marshallers.Create((T response) => response.ToByteArray(), bytes => new MessageParser<T>(() => new T()).ParseFrom(bytes));

    private static Marshaller<T> StrictMarshaller<T>(MessageParser<T> parser)
        where T : IMessage<T>, new() =>
        new(
            (message, serialization) =>
            {
                var writer = serialization.GetBufferWriter();
                message.WriteTo(writer);
                serialization.Complete();
            },
            deserialization =>
            {
                try
                {
                    return parser.ParseFrom(deserialization.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The message is not a valid {typeof(T).Name}: {ex.Message}"));
                }
            });
}
