using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api;

public sealed record LiveTracesDto(long Version, int TraceCount, IReadOnlyList<TraceSummaryDto> Traces);

public sealed record LiveLogsDto(long LatestSequence, int LogCount, int NewCount);

/// <summary>
/// Server-sent events for the UI: after each change (at most a few times a second), the traces that
/// changed since the last event and how many logs arrived. A browser's EventSource reconnects by itself.
/// </summary>
public static class LiveFeedApi
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    private const int MaxTracesPerEvent = 200;

    public static RouteGroupBuilder MapLiveFeedApi(this RouteGroupBuilder api)
    {
        api.MapGet("/live", (TelemetryStore store, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(Events(store, cancellationToken)));
        return api;
    }

    /// <summary>The events of one connection (internal for the tests, which step through it).</summary>
    internal static async IAsyncEnumerable<SseItem<object>> Events(TelemetryStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The signal is taken before the version is read: a change after that read completes it, even one
        // that lands while "hello" (or any later event) is being sent.
        var nextChange = store.WaitForChangeAsync(cancellationToken);
        var lastVersion = store.Version;
        var lastLog = store.LatestLogSequence;
        yield return new SseItem<object>(new LiveTracesDto(lastVersion, store.TraceCount, []), "hello");

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await nextChange;
                await Task.Delay(Coalesce, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            nextChange = store.WaitForChangeAsync(cancellationToken);
            var since = lastVersion;
            lastVersion = store.Version;
            var (changed, count) = store.ReadTraces(traces =>
            {
                var list = traces.Where(t => t.Version > since && t.SpanCount > 0)
                    .OrderByDescending(t => t.Version)
                    .Take(MaxTracesPerEvent)
                    .Select(TraceMapper.ToSummary)
                    .ToList();
                return (list, traces.Count());
            });
            if (changed.Count > 0)
            {
                yield return new SseItem<object>(new LiveTracesDto(lastVersion, count, changed), "traces");
            }

            var latestLog = store.LatestLogSequence;
            if (latestLog > lastLog)
            {
                yield return new SseItem<object>(new LiveLogsDto(latestLog, store.LogCount, (int)Math.Min(int.MaxValue, latestLog - lastLog)), "logs");
                lastLog = latestLog;
            }
        }
    }
}
