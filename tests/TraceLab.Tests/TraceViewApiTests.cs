using System.Net;
using System.Text.Json.Nodes;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The trace page's queries: the columnar waterfall, one span's details, search, and list matches.</summary>
public sealed class TraceViewApiTests : IAsyncLifetime
{
    private TraceLabServer _server = null!;
    private CheckoutScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _server = await TraceLabServer.StartAsync();
        _scenario = CheckoutScenario.Run(_server, OtlpExportProtocol.HttpProtobuf);
        await _server.Api.WaitForJsonAsync($"/api/traces/{_scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        await _server.Api.WaitForJsonAsync($"/api/logs?traceId={_scenario.TraceId}", l => (int)l["total"]! >= 1);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Waterfall_columns_describe_the_same_tree_as_the_full_trace()
    {
        var full = await _server.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}");
        var waterfall = await _server.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}/waterfall");
        var spans = waterfall["spans"]!;
        var ids = spans["spanId"].Arr().Select(n => n.Str()).ToList();
        var fullSpans = full["spans"].Arr();
        Assert.Equal(fullSpans.Select(s => s!["spanId"].Str()), ids);

        var names = waterfall["names"].Arr().Select(n => n.Str()).ToList();
        var services = waterfall["services"].Arr().Select(n => n.Str()).ToList();
        var kinds = waterfall["kinds"].Arr().Select(n => n.Str()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            var span = fullSpans[i]!;
            var parent = (int)spans["parent"]![i]!;
            Assert.Equal(span["parentSpanId"]?.GetValue<string>(), parent < 0 ? null : ids[parent]);
            Assert.Equal(span["name"].Str(), names[(int)spans["name"]![i]!]);
            Assert.Equal(span["service"].Str(), services[(int)spans["service"]![i]!]);
            Assert.Equal(span["kind"].Str(), kinds[(int)spans["kind"]![i]!]);
            Assert.Equal((int)span["depth"]!, (int)spans["depth"]![i]!);
            Assert.Equal((int)span["childCount"]!, (int)spans["childCount"]![i]!);
            Assert.Equal((double)span["durationMs"]!, (double)spans["durationMs"]![i]!, 3);
            Assert.Equal(span["status"].Str() == "error" ? 2 : span["status"].Str() == "ok" ? 1 : 0, (int)spans["status"]![i]!);
        }

        var charge = ids.IndexOf(_scenario.ChargeSpanId);
        Assert.Equal("card declined", spans["statusMessages"]![charge.ToString(System.Globalization.CultureInfo.InvariantCulture)].Str());
        Assert.Equal(3, waterfall["hops"].Arr().Count);
        Assert.Empty(spans["parentNotReceived"].Arr());

        // The warning written inside "charge card" is a marker on that span, at a time inside it.
        var logs = waterfall["logs"]!;
        var marker = logs["span"].Arr().Select(n => (int)n!).ToList().IndexOf(charge);
        Assert.True(marker >= 0, "no log marker on the charge span");
        Assert.Equal("warning", logs["level"]![marker].Str());
        var offset = (double)logs["offsetMs"]![marker]!;
        Assert.InRange(offset, (double)spans["offsetMs"]![charge]! - 0.001, (double)spans["offsetMs"]![charge]! + (double)spans["durationMs"]![charge]! + 0.001);
    }

    [Fact]
    public async Task One_span_comes_with_its_hop_resource_and_links()
    {
        var consumer = await _server.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}/spans/{_scenario.ConsumerSpanId}");
        Assert.Equal("process orders", consumer["name"].Str());
        Assert.Equal("RabbitMQ message headers", consumer["hop"]!["carrierLabel"].Str());
        Assert.Equal($"00-{_scenario.TraceId}-{_scenario.ProducerSpanId}-01", consumer["hop"]!["context"]!["traceparent"].Str());
        Assert.Equal("c-1234", consumer["hop"]!["context"]!["baggage"].Arr().Find("key", "checkout.id")!["value"].Str());
        Assert.Equal("worker", consumer["resourceAttributes"].Arr().Find("key", "service.name")!["value"].Str());
        Assert.Equal(_scenario.ProducerSpanId, consumer["links"]![0]!["spanId"].Str());

        var producer = await _server.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}/spans/{_scenario.ProducerSpanId}");
        Assert.Null(producer["hop"]);
        Assert.Equal(_scenario.ConsumerSpanId, producer["backlinks"]![0]!["spanId"].Str());
    }

    [Fact]
    public async Task Search_finds_names_attribute_values_and_status_messages()
    {
        async Task<List<string>> SearchAsync(string text) =>
            (await _server.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}/search?text={Uri.EscapeDataString(text)}"))["spanIds"].Arr().Select(n => n.Str()).ToList();

        Assert.Equal([_scenario.ChargeSpanId], await SearchAsync("DECLINED"));
        Assert.Equal([_scenario.ChargeSpanId], await SearchAsync("amex"));
        Assert.Equal(2, (await SearchAsync("orders")).Intersect([_scenario.ProducerSpanId, _scenario.ConsumerSpanId]).Count());
        Assert.Empty(await SearchAsync("nothing like this"));
    }

    [Fact]
    public async Task List_matches_are_the_ids_the_list_filter_would_show()
    {
        var other = OtlpRequests.NewTraceId();
        await _server.PostTracesOkAsync(OtlpRequests.Traces("lonely", OtlpRequests.Span(other, OtlpRequests.NewSpanId(), null, "alone")));

        var byText = await _server.Api.GetJsonAsync("/api/traces/matches?text=amex");
        Assert.Equal([_scenario.TraceId], byText["traceIds"].Arr().Select(n => n.Str()));
        var byService = await _server.Api.GetJsonAsync("/api/traces/matches?service=lonely");
        Assert.Equal([OtlpRequests.Hex(other)], byService["traceIds"].Arr().Select(n => n.Str()));
        var errors = await _server.Api.GetJsonAsync("/api/traces/matches?errorsOnly=true");
        Assert.Equal([_scenario.TraceId], errors["traceIds"].Arr().Select(n => n.Str()));
        var all = await _server.Api.GetJsonAsync("/api/traces/matches");
        Assert.Equal(2, (int)all["total"]!);
    }

    [Theory]
    [InlineData("/api/traces/xyz/waterfall", HttpStatusCode.BadRequest, "32 hex digits")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef/waterfall", HttpStatusCode.NotFound, "No trace")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef/spans/0123456789abcdef", HttpStatusCode.NotFound, "No trace")]
    [InlineData("/api/traces/{trace}/spans/xyz", HttpStatusCode.BadRequest, "16 hex digits")]
    [InlineData("/api/traces/{trace}/spans/0123456789abcdef", HttpStatusCode.NotFound, "no span")]
    [InlineData("/api/traces/{trace}/search", HttpStatusCode.BadRequest, "text")]
    [InlineData("/api/traces/{trace}/search?text=%20", HttpStatusCode.BadRequest, "text")]
    [InlineData("/api/traces/matches?minDuration=soon", HttpStatusCode.BadRequest, "minDuration")]
    [InlineData("/api/traces/matches?attribute=novalue", HttpStatusCode.BadRequest, "key=value")]
    public async Task Bad_requests_get_problem_details(string url, HttpStatusCode status, string detail)
    {
        using var response = await _server.Api.GetAsync(url.Replace("{trace}", _scenario.TraceId, StringComparison.Ordinal));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detail, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"].Str());
    }
}
