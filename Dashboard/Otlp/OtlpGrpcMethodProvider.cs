using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.Dashboard.Otlp;

/// <summary>
/// Binds the three OTLP Export methods by hand instead of through generated server stubs. The reason is
/// the request marshaller: with the generated one, a body that is not valid protobuf surfaces as status
/// Unknown ("exception was thrown by handler"); this one answers InvalidArgument with the parser's reason.
/// </summary>
internal sealed class OtlpGrpcMethodProvider :
    IServiceMethodProvider<OtlpTraceGrpcService>,
    IServiceMethodProvider<OtlpLogsGrpcService>,
    IServiceMethodProvider<OtlpMetricsGrpcService>
{
    private static readonly Method<ExportTraceServiceRequest, ExportTraceServiceResponse> ExportTraces =
        Export<ExportTraceServiceRequest, ExportTraceServiceResponse>("opentelemetry.proto.collector.trace.v1.TraceService");

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
        new(MethodType.Unary, serviceName, "Export", StrictMarshaller(new MessageParser<TRequest>(() => new TRequest())), Marshallers.Create(
            (TResponse response) => response.ToByteArray(),
            bytes => new MessageParser<TResponse>(() => new TResponse()).ParseFrom(bytes)));

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
