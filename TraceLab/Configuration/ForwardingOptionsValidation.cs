using System.Net;
using DistributedTracing.TraceLab.Forwarding;

namespace DistributedTracing.TraceLab.Configuration;

/// <summary>
/// The forwarding part of <see cref="TraceLabOptionsValidator"/>. Messages name the setting the target came
/// from (TraceLab:Forwarding or the OTEL variables) and never quote the headers, which hold Aspire's key.
/// </summary>
internal static class ForwardingOptionsValidation
{
    public static void AddFailures(List<string> failures, TraceLabOptions options)
    {
        var forwarding = options.Forwarding;
        AddIfNotPositive(failures, "MaxQueuedRequests", forwarding.MaxQueuedRequests);
        AddIfNotPositive(failures, "MaxQueuedBytes", forwarding.MaxQueuedBytes);
        AddIfNotPositive(failures, "TimeoutMilliseconds", forwarding.TimeoutMilliseconds);
        if (!forwarding.IsOn)
        {
            return;
        }

        if (!Uri.TryCreate(forwarding.Endpoint, UriKind.Absolute, out var endpoint) ||
            (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{forwarding.EndpointSetting} must be an http:// or https:// URL to forward telemetry to, not '{forwarding.Endpoint}'. " +
                "Unset it, or set TraceLab:Forwarding:Enabled=false, to forward nothing.");
        }
        else if (IsOwnListener(endpoint, options.Otlp))
        {
            failures.Add($"{forwarding.EndpointSetting} ({forwarding.Endpoint}) is this Trace Lab's own OTLP listener: every export would " +
                "be forwarded back to itself without end. Point it at another collector, or set TraceLab:Forwarding:Enabled=false.");
        }

        if (!forwarding.UsesGrpc && !forwarding.Protocol!.Trim().Equals(ForwardingOptions.HttpProtobuf, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{forwarding.ProtocolSetting} must be '{ForwardingOptions.Grpc}' or '{ForwardingOptions.HttpProtobuf}', not '{forwarding.Protocol}'.");
        }

        if (!OtlpHeaderList.TryParse(forwarding.Headers, out _, out var error))
        {
            failures.Add($"{forwarding.HeadersSetting} must be a comma-separated list of key=value pairs (values URL-encoded): {error}.");
        }
    }

    private static bool IsOwnListener(Uri endpoint, OtlpOptions otlp) =>
        new[] { otlp.GrpcEndpointUrl, otlp.HttpEndpointUrl }.Any(own =>
            Uri.TryCreate(own, UriKind.Absolute, out var listener) && listener.Port == endpoint.Port &&
            (listener.Host == endpoint.Host || (IsLoopbackOrAny(listener.Host) && IsLoopbackOrAny(endpoint.Host))));

    private static bool IsLoopbackOrAny(string host) =>
        host is "localhost" or "*" or "+" ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var address) &&
            (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)));

    private static void AddIfNotPositive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add($"TraceLab:Forwarding:{key} must be a positive number, not {value}.");
        }
    }
}
