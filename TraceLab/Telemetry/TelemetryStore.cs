using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Telemetry.Memory;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// In-memory telemetry, bounded like the Aspire dashboard's, by counts and also by estimated bytes, so no
/// input can exhaust memory: traces, logs and metric points each have a limit, and the oldest go first.
/// The resources and scopes that senders name live in bounded tables. Writers take a short exclusive
/// lock per export batch (parsing and conversion happen before, outside it); readers share a lock or
/// work on snapshots.
/// </summary>
public sealed class TelemetryStore : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<TraceId, TraceRecord> _traces = [];
    private readonly Queue<TraceRecord> _tracesByArrival = new();
    private readonly Queue<LogEntry> _logs = new();
    private readonly LeastRecentlyUsedTable<(string Service, string? Instance), TelemetryResource> _resources;
    private readonly LeastRecentlyUsedTable<(string Name, string Version), InstrumentationScopeInfo> _scopes;
    // Metrics per resource, least recently written first: the metric budget takes from the front.
    private readonly Dictionary<TelemetryResource, LinkedListNode<ResourceMetrics>> _metrics = [];
    private readonly LinkedList<ResourceMetrics> _metricsByWrite = new();
    private long _spanBytes;
    private long _logBytes;
    private long _metricBytes;
    private TaskCompletionSource _changed = NewSignal();
    private long _version;
    private long _traceSequence;
    private long _logSequence;
    private long _evictedTraceCount;

    /// <summary>Estimated bytes the resource table may hold (resources in use by stored data are charged there too).</summary>
    public const long MaxResourceTableBytes = 16L * 1024 * 1024;

    /// <summary>Scopes (instrumentation libraries) remembered at once, and their estimated bytes.</summary>
    public const int MaxScopeCount = 1_000;

    public const long MaxScopeTableBytes = 4L * 1024 * 1024;

    public TelemetryStore(IOptions<TraceLabOptions> options)
    {
        Limits = options.Value.TelemetryLimits;
        _resources = new(Limits.MaxResourceCount, MaxResourceTableBytes, resource => resource.EstimatedBytes);
        _scopes = new(MaxScopeCount, MaxScopeTableBytes, TelemetrySize.Of);
    }

    public TelemetryLimitOptions Limits { get; }

    public StringInterner Strings { get; } = new();

    /// <summary>Grows with every change; the live feed compares it.</summary>
    public long Version => Interlocked.Read(ref _version);

    public long EvictedTraceCount => Interlocked.Read(ref _evictedTraceCount);

    /// <summary>What the store holds now against its budgets, for the API and the tests.</summary>
    public TelemetryStoreUsage Usage
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return new TelemetryStoreUsage(_traces.Count, _spanBytes, _logs.Count, _logBytes, _metricBytes, _resources.Count, _scopes.Count, _evictedTraceCount);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Completes on the next change after it was read.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    public TelemetryResource GetOrAddResource(string serviceName, string? instanceId, Func<TelemetryAttribute[]> attributes)
    {
        List<TelemetryResource> evicted = [];
        var resource = _resources.GetOrAdd((serviceName, instanceId), key => new TelemetryResource(key.Service, key.Instance, attributes()), evicted);
        if (evicted.Exists(r => r.HasMetrics))
        {
            RemoveMetrics(evicted);
        }

        return resource;
    }

    public InstrumentationScopeInfo GetOrAddScope(string name, string version) =>
        _scopes.GetOrAdd((name, version), key => new InstrumentationScopeInfo(key.Name, key.Version));

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
                switch (AddSpan(span, version))
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

    private SpanAddResult AddSpan(SpanRecord span, long version)
    {
        if (!_traces.TryGetValue(span.TraceId, out var trace))
        {
            trace = new TraceRecord(span.TraceId, ++_traceSequence);
            _traces.Add(span.TraceId, trace);
            _tracesByArrival.Enqueue(trace);
            _spanBytes += trace.EstimatedBytes;
        }

        var spanBytes = TelemetrySize.Of(span);
        if (_spanBytes + spanBytes > Limits.MaxSpanBytes && _tracesByArrival.Peek() == trace)
        {
            // The oldest trace alone fills the budget: it takes no more spans (it goes when a newer one needs room).
            return trace.TryAdd(span, spanBytes, maxSpans: 0, version);
        }

        var before = trace.EstimatedBytes;
        var result = trace.TryAdd(span, spanBytes, Limits.MaxSpansPerTrace, version);
        _spanBytes += trace.EstimatedBytes - before;
        EvictOldestTraces(keep: trace);
        return result;
    }

    /// <summary>Evicts oldest-first past either limit, but never the trace being written.</summary>
    private void EvictOldestTraces(TraceRecord keep)
    {
        while ((_traces.Count > Limits.MaxTraceCount || _spanBytes > Limits.MaxSpanBytes) && _tracesByArrival.Peek() != keep)
        {
            var oldest = _tracesByArrival.Dequeue();
            _traces.Remove(oldest.TraceId);
            _spanBytes -= oldest.EstimatedBytes;
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
                log.EstimatedBytes = TelemetrySize.Of(log);
                _logs.Enqueue(log);
                _logBytes += log.EstimatedBytes;
                while (_logs.Count > Limits.MaxLogCount || (_logBytes > Limits.MaxLogBytes && _logs.Count > 1))
                {
                    _logBytes -= _logs.Dequeue().EstimatedBytes;
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
            if (_metrics.Remove(resource, out var node))
            {
                _metricsByWrite.Remove(node);
            }
            else
            {
                node = new LinkedListNode<ResourceMetrics>(new ResourceMetrics(resource));
                _metricBytes += node.Value.EstimatedBytes;
                resource.HasMetrics = true;
            }

            // Most recently written last: the budget below takes from resources that went quiet first.
            _metricsByWrite.AddLast(node);
            _metrics[resource] = node;
            var metrics = node.Value;
            foreach (var item in items)
            {
                var before = metrics.EstimatedBytes;
                metrics.Add(item, Limits.MaxMetricPointsPerResource);
                _metricBytes += metrics.EstimatedBytes - before;
            }

            while (_metricBytes > Limits.MaxMetricBytes && _metricsByWrite.First is { } quietest && (quietest != node || metrics.PointCount > 1))
            {
                var before = quietest.Value.EstimatedBytes;
                quietest.Value.RemoveOldest();
                _metricBytes -= before - quietest.Value.EstimatedBytes;
                if (quietest.Value.PointCount == 0)
                {
                    RemoveMetrics(quietest);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        SignalChange();
    }

    /// <summary>Metrics of resources evicted from the resource table go with them.</summary>
    private void RemoveMetrics(List<TelemetryResource> resources)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var resource in resources)
            {
                if (_metrics.TryGetValue(resource, out var node))
                {
                    RemoveMetrics(node);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void RemoveMetrics(LinkedListNode<ResourceMetrics> node)
    {
        _metricsByWrite.Remove(node);
        _metrics.Remove(node.Value.Resource);
        _metricBytes -= node.Value.EstimatedBytes;
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

    public bool ContainsTrace(TraceId traceId)
    {
        _lock.EnterReadLock();
        try
        {
            return _traces.ContainsKey(traceId);
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
            if (!_metrics.TryGetValue(resource, out var node))
            {
                return [];
            }

            return [.. node.Value.Instruments
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
    private sealed class ResourceMetrics(TelemetryResource resource)
    {
        private readonly Dictionary<(string Scope, string Name), MetricInstrument> _instruments = [];
        private readonly Queue<MetricInstrument> _pointOrder = new();

        public TelemetryResource Resource { get; } = resource;

        public IEnumerable<MetricInstrument> Instruments => _instruments.Values;

        public int PointCount => _pointOrder.Count;

        /// <summary>The resource, its instruments and their points.</summary>
        public long EstimatedBytes { get; private set; } = resource.EstimatedBytes + TelemetrySize.TraceOverhead;

        public void Add(MetricBatchItem item, int maxPoints)
        {
            var key = (item.Scope.Name, item.Name);
            if (!_instruments.TryGetValue(key, out var instrument))
            {
                _instruments[key] = instrument = new MetricInstrument(item.Name, item.Description, item.Unit, item.Type, item.Scope);
                EstimatedBytes += InstrumentBytes(instrument);
            }

            instrument.IsMonotonic = item.IsMonotonic;
            instrument.Temporality = item.Temporality;
            instrument.Add(item.Point);
            EstimatedBytes += TelemetrySize.Of(item.Point);
            _pointOrder.Enqueue(instrument);
            while (_pointOrder.Count > maxPoints)
            {
                RemoveOldest();
            }
        }

        /// <summary>Removes the oldest point, and its instrument with it when that was the last.</summary>
        public void RemoveOldest()
        {
            var instrument = _pointOrder.Dequeue();
            EstimatedBytes -= TelemetrySize.Of(instrument.RemoveOldest());
            if (instrument.PointCount == 0)
            {
                _instruments.Remove((instrument.Scope.Name, instrument.Name));
                EstimatedBytes -= InstrumentBytes(instrument);
            }
        }

        private static long InstrumentBytes(MetricInstrument instrument) =>
            TelemetrySize.MetricPointOverhead + TelemetrySize.Of(instrument.Name) + TelemetrySize.Of(instrument.Description) +
            TelemetrySize.Of(instrument.Unit) + TelemetrySize.Of(instrument.Scope);
    }
}

/// <summary>What the store holds against its limits.</summary>
public sealed record TelemetryStoreUsage(
    int TraceCount,
    long SpanBytes,
    int LogCount,
    long LogBytes,
    long MetricBytes,
    int ResourceCount,
    int ScopeCount,
    long EvictedTraceCount);

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
