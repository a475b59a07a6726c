using Grpc.Core;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// The one sender: takes exports from the queue in order and sends each once. A failed export is counted
/// and let go, not retried (a retry would hold up everything behind it, and the far end is a dashboard,
/// not a store); after a failure the sender waits a little, longer each time up to a cap, while the queue
/// fills and ingest drops and counts rather than waits. Logs once when forwarding starts failing and once
/// when it works again, with the endpoint only: the headers hold Aspire's key.
/// </summary>
public sealed partial class ForwardingService(ForwardingQueue queue, ILogger<ForwardingService> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (queue.Target is not { } target)
        {
            return;
        }

        LogForwarding(logger, target.Display, target.Protocol);
        var failuresInARow = 0;
        try
        {
            using var sender = OtlpExportSenders.Create(target);
            while (!stoppingToken.IsCancellationRequested)
            {
                var export = await queue.DequeueAsync(stoppingToken);
                var failure = await SendAsync(sender, export, target, stoppingToken);
                if (failure is null)
                {
                    if (failuresInARow > 0)
                    {
                        LogRecovered(logger, target.Display, failuresInARow);
                    }

                    failuresInARow = 0;
                    continue;
                }

                if (failuresInARow++ == 0)
                {
                    LogFailing(logger, target.Display, target.Protocol, failure);
                }

                await Task.Delay(Backoff(failuresInARow), stoppingToken);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a send cut short ends as OperationCanceledException or as gRPC's Cancelled.
        }
        finally
        {
            queue.Close();
        }
    }

    /// <summary>Null when the far end took the export; otherwise why not. Never throws but on shutdown.</summary>
    private async Task<string?> SendAsync(IOtlpExportSender sender, QueuedExport export, ForwardingTarget target, CancellationToken stoppingToken)
    {
        var forwarded = false;
        try
        {
            await sender.SendAsync(export, stoppingToken);
            forwarded = true;
            return null;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            return ex switch
            {
                RpcException { StatusCode: StatusCode.DeadlineExceeded } or OperationCanceledException =>
                    $"no answer within {target.Timeout.TotalMilliseconds:0} ms",
                RpcException rpc => $"gRPC status {rpc.StatusCode}: {rpc.Status.Detail.TrimEnd('.')}",
                _ => ex.Message.TrimEnd('.'),
            };
        }
        finally
        {
            queue.Complete(export, forwarded);
        }
    }

    private static TimeSpan Backoff(int failuresInARow) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failuresInARow - 1, 16)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding every accepted export to {Endpoint} over {Protocol}")]
    private static partial void LogForwarding(ILogger logger, string endpoint, string protocol);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Endpoint} ({Protocol}) failed: {Reason}. Backing off; exports that find the queue full are dropped and counted (GET /api/forwarding)")]
    private static partial void LogFailing(ILogger logger, string endpoint, string protocol, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding to {Endpoint} works again, after {Failures} failed sends")]
    private static partial void LogRecovered(ILogger logger, string endpoint, int failures);
}
