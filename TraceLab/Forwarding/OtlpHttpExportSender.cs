using System.Net.Http.Headers;
using DistributedTracing.TraceLab.Otlp.Transport;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>OTLP/HTTP with protobuf bodies: <c>POST {endpoint}/v1/traces</c> (and logs, metrics), uncompressed.</summary>
internal sealed class OtlpHttpExportSender : IOtlpExportSender
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly HttpClient _client;
    private readonly Dictionary<OtlpSignal, Uri> _urls;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;

    public OtlpHttpExportSender(ForwardingTarget target)
    {
        _client = new HttpClient(OtlpExportSenders.CreateHandler(target)) { Timeout = target.Timeout };
        // The endpoint is a base: "http://host:4318" and "http://host:4318/otlp/" both take "v1/traces" below them.
        var root = new Uri(target.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _urls = Enum.GetValues<OtlpSignal>().ToDictionary(signal => signal, signal => new Uri(root, signal.HttpPath()));
        _headers = target.Headers;
    }

    public async Task SendAsync(QueuedExport export, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _urls[export.Signal])
        {
            Content = new ReadOnlyMemoryContent(export.Body.Memory),
        };
        request.Content.Headers.ContentType = Protobuf;
        foreach (var (key, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the far end answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    public void Dispose() => _client.Dispose();
}
