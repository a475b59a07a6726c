namespace DistributedTracing.Hosting.ApplicationModel;

/// <summary>
/// A port a resource listens on, on 127.0.0.1. A fixed port is used as given; otherwise a free one is
/// picked when the app starts, so several runs (and tests) can live side by side.
/// </summary>
public sealed class EndpointAnnotation(string name, int? port = null, string scheme = "http", bool http2Only = false)
{
    private int? _allocated;

    public string Name { get; } = name;

    public int? RequestedPort { get; set; } = port;

    public string Scheme { get; } = scheme;

    /// <summary>Kestrel serves gRPC over cleartext only on an HTTP/2-only listener.</summary>
    public bool Http2Only { get; } = http2Only;

    public int Port => _allocated ?? throw new InvalidOperationException($"Endpoint '{Name}' has no port until the app starts.");

    public bool IsAllocated => _allocated is not null;

    public string Url => $"{Scheme}://127.0.0.1:{Port}";

    internal void Allocate(int port) => _allocated = port;
}
