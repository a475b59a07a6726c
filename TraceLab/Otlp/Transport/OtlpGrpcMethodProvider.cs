using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>
/// Binds the three OTLP Export methods by hand instead of through generated server stubs, so that every
/// export reaches its service as the raw bytes received, in a pooled buffer: trace exports go to the span
/// decoder without the general parser's object per attribute, every export can be forwarded as it came
/// (Forwarding/), and a body that is not valid protobuf is answered InvalidArgument with the parser's
/// reason (the generated marshaller surfaces it as status Unknown, "exception was thrown by handler").
/// </summary>
internal sealed class OtlpGrpcMethodProvider :
    IServiceMethodProvider<OtlpTraceGrpcService>,
    IServiceMethodProvider<OtlpLogsGrpcService>,
    IServiceMethodProvider<OtlpMetricsGrpcService>
{
    private static readonly Marshaller<OtlpPayload> RawRequest = new(
        (payload, serialization) => serialization.Complete(payload.Span.ToArray()),
        deserialization => OtlpPayload.CopyOf(deserialization.PayloadAsReadOnlySequence()));

    private static readonly Method<OtlpPayload, ExportTraceServiceResponse> ExportTraces = Export<ExportTraceServiceResponse>(OtlpSignal.Traces);

    private static readonly Method<OtlpPayload, ExportLogsServiceResponse> ExportLogs = Export<ExportLogsServiceResponse>(OtlpSignal.Logs);

    private static readonly Method<OtlpPayload, ExportMetricsServiceResponse> ExportMetrics = Export<ExportMetricsServiceResponse>(OtlpSignal.Metrics);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpTraceGrpcService> context) =>
        context.AddUnaryMethod(ExportTraces, [], (service, request, _) => service.Export(request));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpLogsGrpcService> context) =>
        context.AddUnaryMethod(ExportLogs, [], (service, request, _) => service.Export(request));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpMetricsGrpcService> context) =>
        context.AddUnaryMethod(ExportMetrics, [], (service, request, _) => service.Export(request));

    private static Method<OtlpPayload, TResponse> Export<TResponse>(OtlpSignal signal)
        where TResponse : IMessage<TResponse>, new() =>
        new(MethodType.Unary, signal.GrpcServiceName(), "Export", RawRequest, ResponseMarshaller<TResponse>());

    private static Marshaller<T> ResponseMarshaller<T>()
        where T : IMessage<T>, new() =>
        Marshallers.Create((T response) => response.ToByteArray(), bytes => new MessageParser<T>(() => new T()).ParseFrom(bytes));
}
