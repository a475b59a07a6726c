using System.Diagnostics;
using System.Net;
using System.Text;
using DistributedTracing.ServiceDefaults.Tracing;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// Baggage is whatever an unauthenticated caller puts in a header, and each recorded entry becomes a span
/// attribute in every backend downstream: what a service records of it is bounded (ServiceDefaults'
/// ReceivedBaggageProcessor), through the real gateway and the service behind it.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ReceivedBaggageLimitsTests(SharedAppFixture fixture)
{
    private TestApp App => fixture.App;

    [Fact]
    public void At_most_180_entries_are_recorded_and_the_rest_counted()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("baggage-limits-test");
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var server = source.CreateActivity("GET", ActivityKind.Server, remote)!;
        for (var i = 0; i < 300; i++)
        {
            server.AddBaggage(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"k{i}"), "v");
        }

        new ReceivedBaggageProcessor().OnStart(server);

        Assert.Equal(ReceivedBaggageProcessor.MaxEntries, server.TagObjects.Count(t => t.Key.StartsWith(ReceivedBaggageProcessor.AttributePrefix, StringComparison.Ordinal)));
        Assert.Equal(300 - ReceivedBaggageProcessor.MaxEntries, server.GetTagItem(ReceivedBaggageProcessor.DroppedCountAttribute));
    }

    [Fact]
    public async Task Oversized_baggage_is_recorded_within_the_limits_and_the_rest_counted()
    {
        // What ASP.NET Core lets through (it keeps at most 180 entries itself): 50 small entries, three unique
        // 5,000-character keys, and two large values of which only one fits the total.
        var header = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            header.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"k{i}=v{i},"));
        }

        foreach (var letter in "abc")
        {
            header.Append(Guid.NewGuid().ToString("N")).Append(new string(letter, 5000)).Append("=long-key,");
        }

        header.Append("big1=").Append(new string('y', 7000)).Append(",big2=").Append(new string('z', 3000));

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/1");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("baggage", header.ToString());
        using var response = await App.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var trace = await App.WaitForLabAsync($"/api/traces/{traceId}", t =>
            t["spans"].Items().Any(s => s["service"].Str() == "gateway" && s["kind"].Str() == "server")
            && t["spans"].Items().Any(s => s["service"].Str() == "userservice" && s["kind"].Str() == "server"));
        var receivers = trace["spans"].Items().Where(s => s["kind"].Str() == "server").ToList();
        Assert.Contains(receivers, s => s["service"].Str() == "gateway");
        foreach (var span in receivers)
        {
            var entries = span["attributes"].Items()
                .Select(a => (Key: a["key"].Str(), Value: a["value"]?.ToString() ?? ""))
                .Where(a => a.Key.StartsWith(ReceivedBaggageProcessor.AttributePrefix, StringComparison.Ordinal))
                .Select(a => (Key: a.Key[ReceivedBaggageProcessor.AttributePrefix.Length..], a.Value))
                .ToList();
            var where = $"{span["service"].Str()} {span["name"].Str()}";
            Assert.InRange(entries.Count, 1, ReceivedBaggageProcessor.MaxEntries);
            Assert.True(entries.Sum(e => e.Key.Length + e.Value.Length) <= ReceivedBaggageProcessor.MaxTotalLength, where);
            Assert.All(entries, e => Assert.True(e.Key.Length <= ReceivedBaggageProcessor.MaxKeyLength, where));
        }

        // The gateway received all 55 entries, and says how many it left out: the three long keys and a large value.
        var gateway = receivers.First(s => s["service"].Str() == "gateway");
        var dropped = int.Parse(gateway.Attribute(ReceivedBaggageProcessor.DroppedCountAttribute) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, dropped);
    }
}
