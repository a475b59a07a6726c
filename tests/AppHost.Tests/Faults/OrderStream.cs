using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace DistributedTracing.AppHost.Tests.Faults;

/// <summary>What the gateway said to one order of a stream, and when.</summary>
public sealed record StreamedOrder(int Index, string Sku, DateTime SentAt, DateTime AnsweredAt, HttpStatusCode? Status, long? OrderId, string? TraceId, string? Failure)
{
    public bool Accepted => Status == HttpStatusCode.Created;

    public override string ToString() => $"#{Index} {Sku}: {(Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")} {Failure} order {OrderId} trace {TraceId}";
}

/// <summary>
/// A steady stream of orders through the gateway, as a busy shop sends them: one every <c>interval</c>, each
/// sent on time whether or not the ones before have been answered. Every order is told apart by its SKU
/// (<c>{prefix}-{index}-a</c> and <c>-b</c>, two lines), so the databases can be checked order by order.
/// </summary>
public sealed class OrderStream
{
    private readonly HttpClient _gateway;
    private readonly TaskCompletionSource[] _sent;

    public OrderStream(HttpClient gateway, string prefix, int count = 200, TimeSpan? interval = null)
    {
        _gateway = gateway;
        Prefix = prefix;
        Count = count;
        Interval = interval ?? TimeSpan.FromMilliseconds(40);
        _sent = [.. Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    public string Prefix { get; }

    public int Count { get; }

    public TimeSpan Interval { get; }

    /// <summary>Completes once order <paramref name="index"/> (0-based) has been sent: the moment to start a fault.</summary>
    public Task SentAsync(int index) => _sent[index].Task;

    public static string SkuOf(string prefix, int index, char line) => $"{prefix}-{index}-{line}";

    /// <summary>Sends every order and returns once each has its answer (or failed after <paramref name="perOrderTimeout"/>).</summary>
    public async Task<IReadOnlyList<StreamedOrder>> RunAsync(TimeSpan perOrderTimeout)
    {
        var clock = Stopwatch.StartNew();
        var answers = new List<Task<StreamedOrder>>(Count);
        for (var i = 0; i < Count; i++)
        {
            var due = Interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            answers.Add(PlaceAsync(i, perOrderTimeout));
            _sent[i].TrySetResult();
        }

        return await Task.WhenAll(answers);
    }

    private async Task<StreamedOrder> PlaceAsync(int index, TimeSpan timeout)
    {
        var sku = SkuOf(Prefix, index, 'a');
        var body = new
        {
            userId = 1 + (index % 3), // the three seeded users
            items = new[]
            {
                new { sku, quantity = 1, unitPrice = 1.25m },
                new { sku = SkuOf(Prefix, index, 'b'), quantity = 2, unitPrice = 0.50m },
            },
        };
        var sentAt = DateTime.UtcNow;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await _gateway.PostAsJsonAsync("/api/orders", body, cancel.Token);
            long? orderId = response.StatusCode == HttpStatusCode.Created
                ? (await response.Content.ReadFromJsonAsync<Placed>(cancel.Token))!.Id
                : null;
            var traceId = response.Headers.TryGetValues("traceresponse", out var values) ? values.Single().Split('-')[1] : null;
            // Another answer keeps its problem's text, to say what went wrong.
            var problem = orderId is null ? await response.Content.ReadAsStringAsync(cancel.Token) : null;
            return new StreamedOrder(index, sku, sentAt, DateTime.UtcNow, response.StatusCode, orderId, traceId, problem?[..Math.Min(problem.Length, 300)]);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            var failure = ex is OperationCanceledException ? "timeout" : $"{ex.GetType().Name}: {ex.Message}";
            return new StreamedOrder(index, sku, sentAt, DateTime.UtcNow, null, null, null, failure);
        }
    }

    private sealed record Placed(long Id);
}
