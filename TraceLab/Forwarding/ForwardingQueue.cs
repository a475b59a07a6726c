using System.Buffers;
using System.Threading.Channels;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Otlp.Transport;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>
/// Exports waiting for the forwarder, bounded by count and by bytes. Ingest only ever calls
/// <see cref="TryEnqueue"/>, which takes a lock for a few instructions and copies the body: it never waits
/// for the sender or the far end. When the queue is full the export is dropped and counted. An export
/// holds its place (and its bytes) until the sender is done with it, so the bytes held never pass the cap.
/// </summary>
public sealed class ForwardingQueue
{
    private readonly Channel<QueuedExport> _channel = Channel.CreateUnbounded<QueuedExport>(new() { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly int _maxQueuedRequests;
    private readonly long _maxQueuedBytes;
    private int _queued;
    private long _queuedBytes;
    private long _forwarded;
    private long _dropped;
    private long _failed;

    public ForwardingQueue(IOptions<TraceLabOptions> options)
    {
        var forwarding = options.Value.Forwarding;
        Target = ForwardingTarget.From(forwarding);
        _maxQueuedRequests = forwarding.MaxQueuedRequests;
        _maxQueuedBytes = forwarding.MaxQueuedBytes;
    }

    /// <summary>Where exports go; null when forwarding is off, and then nothing is ever queued.</summary>
    public ForwardingTarget? Target { get; }

    public bool IsEnabled => Target is not null;

    /// <summary>Queues a copy of an accepted export; false when forwarding is off or the queue is full.</summary>
    public bool TryEnqueue(OtlpSignal signal, ReadOnlySequence<byte> body)
    {
        if (!IsEnabled)
        {
            return false;
        }

        lock (_gate)
        {
            if (_queued + 1 > _maxQueuedRequests || _queuedBytes + body.Length > _maxQueuedBytes)
            {
                _dropped++;
                return false;
            }

            _queued++;
            _queuedBytes += body.Length;
        }

        var export = new QueuedExport(signal, OtlpPayload.CopyOf(body));
        if (!_channel.Writer.TryWrite(export))
        {
            Release(export, Outcome.Discarded); // the sender has stopped for good: the Lab is shutting down
            return false;
        }

        return true;
    }

    public ValueTask<QueuedExport> DequeueAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);

    /// <summary>The sender is done with an export: it was forwarded, or it failed. Frees its buffer and its place.</summary>
    public void Complete(QueuedExport export, bool forwarded) => Release(export, forwarded ? Outcome.Forwarded : Outcome.Failed);

    /// <summary>At shutdown: refuses new exports and frees those still waiting, uncounted.</summary>
    public void Close()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var export))
        {
            Release(export, Outcome.Discarded);
        }
    }

    /// <summary>One consistent reading: every export handed over is dropped, queued, forwarded or failed.</summary>
    public ForwardingStatus Status()
    {
        lock (_gate)
        {
            return new ForwardingStatus(IsEnabled, Target?.Display, Target?.Protocol, _forwarded, _dropped, _failed,
                _queued, _queuedBytes, _maxQueuedRequests, _maxQueuedBytes);
        }
    }

    private void Release(QueuedExport export, Outcome outcome)
    {
        lock (_gate)
        {
            _queued--;
            _queuedBytes -= export.Body.Length;
            if (outcome == Outcome.Forwarded)
            {
                _forwarded++;
            }
            else if (outcome == Outcome.Failed)
            {
                _failed++;
            }
        }

        export.Body.Dispose();
    }

    private enum Outcome
    {
        Forwarded,
        Failed,
        Discarded,
    }
}
