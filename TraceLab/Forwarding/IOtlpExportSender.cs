namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>Sends one export to the far end; throws when it was not accepted (error status, no answer, no connection).</summary>
public interface IOtlpExportSender : IDisposable
{
    Task SendAsync(QueuedExport export, CancellationToken cancellationToken);
}
