using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests.Faults;

/// <summary>
/// The count after a fault: every order the gateway accepted has exactly one notification, nothing is half
/// done, nothing is stored twice, and every accepted order's trace is one tree that holds its publish and
/// process spans.
/// </summary>
public static class OrderBalance
{
    /// <summary>How long after the stream's end every accepted order must have its notification.</summary>
    public static readonly TimeSpan NotificationBound = TimeSpan.FromSeconds(60);

    /// <summary>Checks the books; returns the accepted orders' traces for figures.</summary>
    /// <param name="app">The app the stream ran against.</param>
    /// <param name="ledger">Its databases.</param>
    /// <param name="stream">The stream, for its SKU prefix.</param>
    /// <param name="answers">What the gateway answered to each order.</param>
    /// <param name="spansMayBeLost">
    /// Orders whose trace may have lost spans with a process killed by SIGKILL: spans still in its exporter's
    /// buffer (up to a second of them) die with it, and their children in other services are left waiting for a
    /// parent. Their data is checked like every other order's; their traces are only counted.
    /// </param>
    public static async Task<OrderBalanceResult> CheckAsync(TestApp app, OrderLedger ledger, OrderStream stream, IReadOnlyList<StreamedOrder> answers,
        Func<StreamedOrder, bool>? spansMayBeLost = null)
    {
        var accepted = answers.Where(a => a.Accepted).ToList();
        Assert.All(accepted, a => Assert.NotNull(a.OrderId));

        // Stored orders: complete (both lines), one per stream index, and every accepted one among them.
        var stored = await ledger.OrdersAsync(stream.Prefix);
        Assert.All(stored, order => Assert.True(IsComplete(stream.Prefix, order.Value), $"order {order.Key} is half done: {string.Join(", ", order.Value)}"));
        var storedByIndex = stored.GroupBy(o => IndexOf(stream.Prefix, o.Value[0])).ToDictionary(g => g.Key, g => g.Select(o => o.Key).ToList());
        Assert.All(storedByIndex, index => Assert.True(index.Value.Count == 1, $"order #{index.Key} stored {index.Value.Count} times"));
        Assert.All(accepted, a => Assert.Equal(a.OrderId, storedByIndex.GetValueOrDefault(a.Index)?.Single()));

        // Every stored order (accepted or not: a stored order must be finished too) gets exactly one notification.
        var expected = stored.Keys.ToHashSet();
        var deadline = DateTime.UtcNow + NotificationBound;
        var notifications = await ledger.NotificationsAsync();
        while (!expected.All(notifications.ContainsKey) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            notifications = await ledger.NotificationsAsync();
        }

        var missing = expected.Where(id => !notifications.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} stored orders have no notification after {NotificationBound.TotalSeconds} s: {string.Join(", ", missing.Take(20))}");

        // Nothing twice, and no notification for an order that does not exist (across the whole app).
        var twice = notifications.Where(n => n.Value != 1).Select(n => $"order {n.Key}: {n.Value} notifications").ToList();
        Assert.True(twice.Count == 0, string.Join("; ", twice));
        var orderIds = await ledger.AllOrderIdsAsync();
        var orphans = notifications.Keys.Where(id => !orderIds.Contains(id)).ToList();
        Assert.True(orphans.Count == 0, $"notifications for orders that do not exist: {string.Join(", ", orphans)}");

        var traces = new List<JsonNode>();
        foreach (var order in accepted.Where(a => spansMayBeLost?.Invoke(a) != true))
        {
            Assert.NotNull(order.TraceId);
            traces.Add(await WaitForWholeTraceAsync(app, order));
        }

        // Orders whose spans may have died with a killed process: looked at once, after the others, and counted.
        var broken = 0;
        foreach (var order in accepted.Where(a => spansMayBeLost?.Invoke(a) == true))
        {
            using var response = await app.Lab.GetAsync($"/api/traces/{order.TraceId}");
            if (response.StatusCode != HttpStatusCode.OK || TreeProblem(JsonNode.Parse(await response.Content.ReadAsStringAsync())!).Length > 0)
            {
                broken++;
            }
        }

        return new OrderBalanceResult(traces, broken);
    }

    /// <summary>
    /// Answers other than 201 that a fault may cause: the dependency is away (503), too slow (504), or no answer in
    /// time. Any other answer fails, with the errors the services logged in its trace (what threw, and where).
    /// </summary>
    public static async Task AssertOnlyOutageAnswersAsync(TestApp app, IReadOnlyList<StreamedOrder> answers)
    {
        var unexpected = answers.Where(a => !a.Accepted
            && !(a.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout || a.Failure == "timeout")).ToList();
        if (unexpected.Count == 0)
        {
            return;
        }

        var report = new System.Text.StringBuilder();
        foreach (var answer in unexpected.Take(5))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"unexpected answer {answer}");
            if (answer.TraceId is null)
            {
                continue;
            }

            await Task.Delay(TimeSpan.FromSeconds(2)); // the services' last log batches
            var logs = await app.Lab.GetFromJsonAsync<JsonNode>($"/api/logs?traceId={answer.TraceId}&level=warning&limit=20");
            foreach (var log in logs!["items"]!.AsArray())
            {
                var exception = log!["attributes"]!.AsArray()
                    .Where(a => a!["key"]!.GetValue<string>() is "exception.type" or "exception.message")
                    .Select(a => a!["value"]!.ToString());
                report.AppendLine(CultureInfo.InvariantCulture, $"  {log["service"]} {log["level"]}: {log["body"]} {string.Join(": ", exception)}");
            }
        }

        Assert.Fail(report.ToString());
    }

    /// <summary>
    /// The order's trace in the Lab: one root, no span waiting for a parent, and a process span whose parent is
    /// the publish span (the context crossed the broker, however long the message waited).
    /// </summary>
    private static async Task<JsonNode> WaitForWholeTraceAsync(TestApp app, StreamedOrder order)
    {
        string problem = "not found";
        var ok = false;
        JsonNode? trace = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!ok && DateTime.UtcNow < deadline)
        {
            using var response = await app.Lab.GetAsync($"/api/traces/{order.TraceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                trace = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                problem = TreeProblem(trace);
                ok = problem.Length == 0;
            }

            if (!ok)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(ok, $"trace {order.TraceId} of {order}: {problem}");
        return trace!;
    }

    private static string TreeProblem(JsonNode trace)
    {
        var spans = trace["spans"].Items().ToList();
        var publishes = spans.Where(s => s["service"].Str() == "orderservice" && s["kind"].Str() == "producer" && s["name"].Str() == "publish orders").ToList();
        var processes = spans.Where(s => s["service"].Str() == "notificationworker" && s["kind"].Str() == "consumer" && s["name"].Str() == "process orders").ToList();
        return (spans.Count(s => s["depth"]!.GetValue<int>() == 0), spans.Count(s => s["parentNotReceived"]!.GetValue<bool>())) switch
        {
            (not 1, _) => "not one root",
            (_, > 0) => "a span's parent has not arrived",
            _ when publishes.Count == 0 => "no publish span",
            _ when !processes.Any(p => publishes.Any(pub => pub["spanId"].Str() == p["parentSpanId"]?.ToString())) => "no process span under the publish span",
            _ => "",
        };
    }

    public static string? Attribute(JsonNode trace, string spanName, string key) =>
        trace["spans"].Items().Where(s => s["name"].Str() == spanName).Select(s => s.Attribute(key)).FirstOrDefault(v => v is not null);

    private static int IndexOf(string prefix, string sku) => int.Parse(sku[(prefix.Length + 1)..sku.LastIndexOf('-')], System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsComplete(string prefix, IReadOnlyList<string> lines) =>
        lines.Count == 2 && lines.Select(l => IndexOf(prefix, l)).Distinct().Count() == 1 && lines.Order().Select(l => l[^1]).SequenceEqual(['a', 'b']);
}

/// <param name="Traces">The accepted orders' whole traces (one tree each).</param>
/// <param name="BrokenTraces">Orders whose spans may have been lost whose trace is indeed not one whole tree.</param>
public sealed record OrderBalanceResult(IReadOnlyList<JsonNode> Traces, int BrokenTraces);
