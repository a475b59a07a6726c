using DistributedTracing.TraceLab.Telemetry;

namespace DistributedTracing.TraceLab.Api;

/// <summary>One figure over time: a queue's depth, or the outbox's backlog, from one service's gauges.</summary>
public sealed record QueueSeriesDto(string Service, string Metric, string? Queue, double Value, double TimeUnixMs, IReadOnlyList<double[]> History);

public sealed record QueuesDto(double NowUnixMs, double WindowMs, IReadOnlyList<QueueSeriesDto> Series);

/// <summary>
/// <c>GET /api/queues</c>: the Queues page's figures, from the gauges the AppHost exports (queue depths as
/// <c>rabbitmq.queue.messages</c> by <c>messaging.destination.name</c>, the outbox backlog as
/// <c>outbox.messages.*</c>): each series' latest value and its last minute. Bounded whatever was sent:
/// at most <see cref="MaxSeries"/> series of at most <see cref="MaxHistoryPoints"/> points.
/// </summary>
public static class QueuesApi
{
    public const string QueueDepthMetric = "rabbitmq.queue.messages";
    public const string QueueAttribute = "messaging.destination.name";
    public static readonly string[] OutboxMetrics = ["outbox.messages.pending", "outbox.messages.oldest_pending_age"];
    public const int MaxSeries = 64;
    public const int MaxHistoryPoints = 120;
    private const double WindowMs = 60_000;

    public static RouteGroupBuilder MapQueuesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/queues", (TelemetryStore store) => TypedResults.Ok(Read(store)));
        return api;
    }

    private static QueuesDto Read(TelemetryStore store)
    {
        // Points by service, metric and queue: a restarted AppHost is a new instance of the same service, one series.
        var points = new Dictionary<(string Service, string Metric, string? Queue), List<(double Time, double Value)>>();
        foreach (var resource in store.Resources)
        {
            foreach (var metric in (string[])[QueueDepthMetric, .. OutboxMetrics])
            {
                foreach (var instrument in store.GetMetrics(resource, metric))
                {
                    foreach (var point in instrument.Points.Where(p => p.Value is not null))
                    {
                        var queue = metric == QueueDepthMetric ? TelemetryAttribute.Find(point.Attributes, QueueAttribute) : null;
                        var key = (resource.ServiceName, metric, queue);
                        if (!points.TryGetValue(key, out var series))
                        {
                            if (points.Count >= MaxSeries)
                            {
                                continue;
                            }

                            points[key] = series = [];
                        }

                        series.Add((TelemetryTime.ToUnixMs(point.TimeUnixNano), point.Value!.Value));
                    }
                }
            }
        }

        var result = points
            .Select(p => ToSeries(p.Key.Service, p.Key.Metric, p.Key.Queue, p.Value))
            .OrderBy(s => s.Metric, StringComparer.Ordinal).ThenBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.Queue, StringComparer.Ordinal)
            .ToList();
        return new QueuesDto(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), WindowMs, result);
    }

    private static QueueSeriesDto ToSeries(string service, string metric, string? queue, List<(double Time, double Value)> points)
    {
        points.Sort((a, b) => a.Time.CompareTo(b.Time));
        var (latestTime, latestValue) = points[^1];
        var history = points.Where(p => p.Time >= latestTime - WindowMs).TakeLast(MaxHistoryPoints).Select(p => new[] { p.Time, p.Value }).ToList();
        return new QueueSeriesDto(service, metric, queue, latestValue, latestTime, history);
    }
}
