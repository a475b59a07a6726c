using DistributedTracing.TraceLab.Telemetry.Memory;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// A trace as it assembles: spans arrive in any order and from many exports. Mutated only by
/// <see cref="TelemetryStore"/> under its write lock; read under its read lock or through a snapshot.
/// </summary>
public sealed class TraceRecord(TraceId traceId, long sequence)
{
    private readonly List<SpanRecord> _spans = [];
    // Most traces are small: a linear scan finds duplicates cheaply, and the set (about 50 bytes a span)
    // is built only once a trace grows past the threshold.
    private const int SpanIdSetThreshold = 32;
    private HashSet<ulong>? _spanIds;
    private readonly List<ServiceSpanCount> _services = [];
    // Past a few services, service name to its place in _services: a trace can hold thousands of services.
    private const int IndexThreshold = 8;
    private Dictionary<string, int>? _serviceIndex;
    // The resources and scopes this trace has paid for: each is charged once per trace that holds it, so
    // one evicted from the store's tables is still counted while any trace keeps it alive. A list while
    // short (most traces have a handful), a set past the threshold.
    private readonly List<object> _charged = [];
    private HashSet<object>? _chargedSet;

    public TraceId TraceId { get; } = traceId;

    /// <summary>Order of arrival among traces: eviction removes the lowest first.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Store version of the last change, for the live feed.</summary>
    public long Version { get; private set; }

    public long StartUnixNano { get; private set; } = long.MaxValue;

    public long EndUnixNano { get; private set; } = long.MinValue;

    public bool HasError { get; private set; }

    public int DroppedSpanCount { get; private set; }

    /// <summary>The earliest span without a parent, or the earliest span while no root has arrived.</summary>
    public SpanRecord? Root { get; private set; }

    public IReadOnlyList<SpanRecord> Spans => _spans;

    public IReadOnlyList<ServiceSpanCount> Services => _services;

    public int SpanCount => _spans.Count;

    /// <summary>Estimated bytes this trace keeps alive, spans and the resources and scopes they refer to.</summary>
    public long EstimatedBytes { get; private set; } = TelemetrySize.TraceOverhead;

    internal SpanAddResult TryAdd(SpanRecord span, long spanBytes, int maxSpans, long version)
    {
        if (ContainsSpan(span.SpanId))
        {
            // Exporters retry: the same span id twice is one span.
            return SpanAddResult.Duplicate;
        }

        if (_spans.Count >= maxSpans)
        {
            DroppedSpanCount++;
            Version = version;
            return SpanAddResult.OverLimit;
        }

        _spans.Add(span);
        if (_spanIds is not null)
        {
            _spanIds.Add(span.SpanId);
        }
        else if (_spans.Count > SpanIdSetThreshold)
        {
            _spanIds = [.. _spans.Select(s => s.SpanId)];
        }
        Version = version;
        EstimatedBytes += spanBytes;
        if (Charge(span.Resource))
        {
            EstimatedBytes += TelemetrySize.SetEntry + span.Resource.EstimatedBytes;
        }

        if (Charge(span.Scope))
        {
            EstimatedBytes += TelemetrySize.SetEntry + TelemetrySize.Of(span.Scope);
        }

        StartUnixNano = Math.Min(StartUnixNano, span.StartUnixNano);
        EndUnixNano = Math.Max(EndUnixNano, span.EndUnixNano);
        HasError |= span.StatusCode == SpanStatusCode.Error;
        CountService(span.ServiceName);

        if (Root is null ||
            (span.ParentSpanId == 0 && (Root.ParentSpanId != 0 || span.StartUnixNano < Root.StartUnixNano)) ||
            (span.ParentSpanId != 0 && Root.ParentSpanId != 0 && span.StartUnixNano < Root.StartUnixNano))
        {
            Root = span;
        }

        return SpanAddResult.Added;
    }

    private bool ContainsSpan(ulong spanId)
    {
        if (_spanIds is not null)
        {
            return _spanIds.Contains(spanId);
        }

        foreach (var existing in _spans)
        {
            if (existing.SpanId == spanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True the first time this trace holds <paramref name="shared"/>.</summary>
    private bool Charge(object shared)
    {
        if (_chargedSet is not null)
        {
            return _chargedSet.Add(shared);
        }

        foreach (var charged in _charged)
        {
            if (ReferenceEquals(charged, shared))
            {
                return false;
            }
        }

        _charged.Add(shared);
        if (_charged.Count > IndexThreshold)
        {
            _chargedSet = new HashSet<object>(_charged, ReferenceEqualityComparer.Instance);
        }

        return true;
    }

    private void CountService(string serviceName)
    {
        var index = FindService(serviceName);
        if (index >= 0)
        {
            _services[index] = _services[index] with { SpanCount = _services[index].SpanCount + 1 };
            return;
        }

        _serviceIndex?.Add(serviceName, _services.Count);
        EstimatedBytes += TelemetrySize.SetEntry * 2;
        _services.Add(new ServiceSpanCount(serviceName, 1));
        if (_serviceIndex is null && _services.Count > IndexThreshold)
        {
            _serviceIndex = new(StringComparer.Ordinal);
            for (var i = 0; i < _services.Count; i++)
            {
                _serviceIndex.Add(_services[i].ServiceName, i);
            }
        }
    }

    private int FindService(string serviceName)
    {
        if (_serviceIndex is not null)
        {
            return _serviceIndex.TryGetValue(serviceName, out var index) ? index : -1;
        }

        for (var i = 0; i < _services.Count; i++)
        {
            if (_services[i].ServiceName == serviceName)
            {
                return i;
            }
        }

        return -1;
    }

    internal TraceSnapshot Snapshot() => new(
        TraceId, StartUnixNano, EndUnixNano, HasError, DroppedSpanCount, Root, [.. _services], [.. _spans]);
}

public readonly record struct ServiceSpanCount(string ServiceName, int SpanCount);

internal enum SpanAddResult
{
    Added,
    Duplicate,
    OverLimit,
}

/// <summary>An immutable copy of a trace, safe to read while ingest goes on.</summary>
public sealed record TraceSnapshot(
    TraceId TraceId,
    long StartUnixNano,
    long EndUnixNano,
    bool HasError,
    int DroppedSpanCount,
    SpanRecord? Root,
    ServiceSpanCount[] Services,
    SpanRecord[] Spans)
{
    public long DurationNano => EndUnixNano - StartUnixNano;
}
