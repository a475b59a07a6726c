namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>Picks the sender for the target's protocol, and gives each its own connection pool.</summary>
internal static class OtlpExportSenders
{
    public static IOtlpExportSender Create(ForwardingTarget target) =>
        target.UsesGrpc ? new OtlpGrpcExportSender(target) : new OtlpHttpExportSender(target);

    /// <summary>
    /// One connection pool for the life of the sender; connecting may take no longer than a whole send. Made by
    /// hand rather than through IHttpClientFactory, whose logging would write a line per forwarded export.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(ForwardingTarget target) => new()
    {
        ConnectTimeout = target.Timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // a restarted far end on another address is found again
        // The far end is reached directly (Aspire's dashboard runs beside the Lab): a proxy from the environment
        // would not carry gRPC's cleartext HTTP/2 anyway.
        UseProxy = false,
    };
}
