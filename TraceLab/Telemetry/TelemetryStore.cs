using System.Collections.Concurrent;
using DistributedTracing.TraceLab.Configuration;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// In-memory telemetry, bounded like the Aspire dashboard's: traces, logs and metric points each have
/// a limit, and the oldest go first. Writers take a short exclusive lock per export batch (parsing and
/// conversion happen before, outside it); readers share a lock or work on snapshots.
/// </summary>
public sealed class TelemetryStore : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<TraceId, TraceRecord> _traces = [];
    private readonly Queue<TraceRecord> _tracesByArrival = new();
    private readonly Queue<LogEntry> _logs = new();
    private readonly ConcurrentDictionary<(string Service, string? Instance), TelemetryResource> _resources = new();
    private readonly Dictionary<TelemetryResource, ResourceMetrics> _metrics = [];
    private readonly ConcurrentDictionary<(string, string), InstrumentationScopeInfo> _scopes = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _version;
    private long _traceSequence;
    private long _logSequence;
    private long _evictedTraceCount;

    public TelemetryStore(IOptions<TraceLabOptions> options)
    {
        Limits = options.Value.TelemetryLimits;
    }

    public TelemetryLimitOptions Limits { get; }

    public StringInterner Strings { get; } = new();

    /// <summary>Grows with every change; the live feed compares it.</summary>
    public long Version => Interlocked.Read(ref _version);

    public long EvictedTraceCount => Interlocked.Read(ref _evictedTraceCount);

    /// <summary>Completes on the next change after it was read.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    public TelemetryResource GetOrAddResource(string serviceName, string? instanceId, Func<TelemetryAttribute[]> attributes) =>
        _resources.GetOrAdd((serviceName, instanceId), key => new TelemetryResource(key.Service, key.Instance, attributes()));

    public InstrumentationScopeInfo GetOrAddScope(string name, string version) =>
        _scopes.GetOrAdd((name, version), key => new InstrumentationScopeInfo(key.Item1, key.Item2));

    public IReadOnlyList<TelemetryResource> Resources => [.. _resources.Values.OrderBy(r => r.ServiceName, StringComparer.Ordinal).ThenBy(r => r.InstanceId, StringComparer.Ordinal)];

    public SpanBatchResult AddSpans(IReadOnlyList<SpanRecord> spans)
    {
        int added = 0, duplicates = 0, overLimit = 0;
        _lock.EnterWriteLock();
        try
        {
            var version = ++_version;
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    trace = new TraceRecord(span.TraceId, ++_traceSequence);
                    _traces.Add(span.TraceId, trace);
                    _tracesByArrival.Enqueue(trace);
                    EvictOldestTraces();
                }

                switch (trace.TryAdd(span, Limits.MaxSpansPerTrace, version))
                {
                    case SpanAddResult.Added: added++; break;
                    case SpanAddResult.Duplicate: duplicates++; break;
                    default: overLimit++; break;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        SignalChange();
        return new SpanBatchResult(added, duplicates, overLimit);
    }

    private void EvictOldestTraces()
    {
        while (_traces.Count > Limits.MaxTraceCount)
        {
            var oldest = _tracesByArrival.Dequeue();
            _traces.Remove(oldest.TraceId);
            _evictedTraceCount++;
        }
    }

    public void AddLogs(IReadOnlyList<LogEntry> logs)
    {
        _lock.EnterWriteLock();
        try
        {
            _version++;
            foreach (var log in logs)
            {
                log.Sequence = ++_logSequence;
                _logs.Enqueue(log);
                while (_logs.Count > Limits.MaxLogCount)
                {
                    _logs.Dequeue();
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        SignalChange();
    }

    public void AddMetricPoints(TelemetryResource resource, IReadOnlyList<MetricBatchItem> items)
    {
        _lock.EnterWriteLock();
        try
        {
            _version++;
            if (!_metrics.TryGetValue(resource, out var metrics))
            {
                _metrics[resource] = metrics = new ResourceMetrics();
            }

            foreach (var item in items)
            {
                metrics.Add(item, Limits.MaxMetricPointsPerResource);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        SignalChange();
    }

    public TraceSnapshot? GetTrace(TraceId traceId)
    {
        _lock.EnterReadLock();
        try
        {
            return _traces.TryGetValue(traceId, out var trace) ? trace.Snapshot() : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Runs <paramref name="read"/> over every trace under the read lock: keep it quick, copy what you keep.</summary>
    public T ReadTraces<T>(Func<IEnumerable<TraceRecord>, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read(_tracesByArrival);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public int TraceCount => ReadTraces(_ => _traces.Count);

    public List<LogEntry> QueryLogs(Func<LogEntry, bool> predicate)
    {
        _lock.EnterReadLock();
        try
        {
            return [.. _logs.Where(predicate)];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public int LogCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _logs.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The sequence number of the newest log (0 before the first).</summary>
    public long LatestLogSequence => Interlocked.Read(ref _logSequence);

    public IReadOnlyList<MetricInstrumentSnapshot> GetMetrics(TelemetryResource resource, string? instrumentName = null)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_metrics.TryGetValue(resource, out var metrics))
            {
                return [];
            }

            return [.. metrics.Instruments
                .Where(i => instrumentName is null || i.Name == instrumentName)
                .OrderBy(i => i.Name, StringComparer.Ordinal)
                .Select(i => new MetricInstrumentSnapshot(i, instrumentName is null ? [] : i.SnapshotPoints()))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void SignalChange() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => _lock.Dispose();

    /// <summary>A resource's instruments, with one queue over all their points so the oldest go first.</summary>
    private sealed class ResourceMetrics
    {
        private readonly Dictionary<(string Scope, string Name), MetricInstrument> _instruments = [];
        private readonly Queue<MetricInstrument> _pointOrder = new();

        public IEnumerable<MetricInstrument> Instruments => _instruments.Values;

        public void Add(MetricBatchItem item, int maxPoints)
        {
            var key = (item.Scope.Name, item.Name);
            if (!_instruments.TryGetValue(key, out var instrument))
            {
                _instruments[key] = instrument = new MetricInstrument(item.Name, item.Description, item.Unit, item.Type, item.Scope);
            }

            instrument.IsMonotonic = item.IsMonotonic;
            instrument.Temporality = item.Temporality;
            instrument.Add(item.Point);
            _pointOrder.Enqueue(instrument);
            while (_pointOrder.Count > maxPoints)
            {
                _pointOrder.Dequeue().RemoveOldest();
            }
        }
    }
}

public readonly record struct SpanBatchResult(int Added, int Duplicates, int DroppedOverLimit);

/// <summary>A data point with the instrument it belongs to, as the OTLP converter produces them.</summary>
public sealed record MetricBatchItem(
    InstrumentationScopeInfo Scope,
    string Name,
    string? Description,
    string? Unit,
    MetricType Type,
    bool IsMonotonic,
    string? Temporality,
    MetricPoint Point);

public sealed record MetricInstrumentSnapshot(MetricInstrument Instrument, MetricPoint[] Points);
