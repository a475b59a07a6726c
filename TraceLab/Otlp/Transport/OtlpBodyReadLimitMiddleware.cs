using DistributedTracing.TraceLab.Configuration;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>
/// Lets at most TraceLab:Otlp:MaxConcurrentBodyReads exports be read, inflated and ingested at once, on
/// both OTLP listeners; the rest wait (holding no body beyond what Kestrel buffers per connection). Each
/// export may hold up to MaxRequestBodySize inflated, so this, not the number of senders, bounds the
/// memory of exports in flight. Runs after the API key check: a caller without the key never waits here.
/// Endpoints of the frontend that read export-sized bodies (trace import) take their turn too, marked
/// with <see cref="ReadsExportBodyMetadata"/>.
/// An export that has not been read and ingested within <see cref="MaxExportTime"/> is cut off, so a few
/// slow senders cannot hold every turn.
/// </summary>
public sealed class OtlpBodyReadLimitMiddleware(RequestDelegate next, IOptions<TraceLabOptions> options) : IDisposable
{
    /// <summary>Far more than any real export needs on a local machine, even a 16 MiB one.</summary>
    public static readonly TimeSpan MaxExportTime = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _reads = new(options.Value.Otlp.MaxConcurrentBodyReads);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpointRole() == EndpointRole.Frontend && context.GetEndpoint()?.Metadata.GetMetadata<ReadsExportBodyMetadata>() is null)
        {
            await next(context);
            return;
        }

        try
        {
            await _reads.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // the sender gave up while waiting: nothing to answer
        }

        try
        {
            using var deadline = new CancellationTokenSource(MaxExportTime);
            using var abort = deadline.Token.Register(context.Abort);
            await next(context);
        }
        finally
        {
            _reads.Release();
        }
    }

    public void Dispose() => _reads.Dispose();
}

/// <summary>Marks a frontend endpoint whose body is as large as an export, so it waits its turn with them.</summary>
public sealed class ReadsExportBodyMetadata
{
    public static ReadsExportBodyMetadata Instance { get; } = new();
}
