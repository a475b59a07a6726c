using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The project's API and the Jaeger API on bad input, paging, download and the live feed.</summary>
public sealed class QueryApiTests : IAsyncLifetime
{
    private TraceLabServer _server = null!;

    public async Task InitializeAsync() => _server = await TraceLabServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/api/traces/not-a-trace-id", HttpStatusCode.BadRequest, "32 hex digits")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "No trace")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef/download", HttpStatusCode.NotFound, "No trace")]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef/download?format=zip", HttpStatusCode.BadRequest, "format")]
    [InlineData("/api/traces?minDuration=soon", HttpStatusCode.BadRequest, "minDuration")]
    [InlineData("/api/traces?maxDuration=-3", HttpStatusCode.BadRequest, "maxDuration")]
    [InlineData("/api/traces?attribute=novalue", HttpStatusCode.BadRequest, "key=value")]
    [InlineData("/api/traces?sort=color", HttpStatusCode.BadRequest, "sort")]
    [InlineData("/api/traces?limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/traces?offset=-1", HttpStatusCode.BadRequest, "offset")]
    [InlineData("/api/traces?limit=abc", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/traces?limit=99999999999", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/traces?limit=10001", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/traces?offset=99999999999", HttpStatusCode.BadRequest, "offset")]
    [InlineData("/api/traces?errorsOnly=maybe", HttpStatusCode.BadRequest, "maybe")]
    [InlineData("/api/traces?minDuration=1e400", HttpStatusCode.BadRequest, "minDuration")]
    [InlineData("/api/traces?maxDuration=9223372036854.775807", HttpStatusCode.BadRequest, "maxDuration")]
    [InlineData("/api/traces?maxDuration=NaN", HttpStatusCode.BadRequest, "maxDuration")]
    [InlineData("/api/traces/matches?minDuration=2562048h", HttpStatusCode.BadRequest, "minDuration")]
    [InlineData("/api/logs?limit=2147483647", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/logs?after=99999999999999999999", HttpStatusCode.BadRequest, "after")]
    [InlineData("/api/logs?after=yesterday", HttpStatusCode.BadRequest, "after")]
    [InlineData("/api/logs?after=1.5", HttpStatusCode.BadRequest, "after")]
    [InlineData("/api/logs?traceId=xyz", HttpStatusCode.BadRequest, "32 hex digits")]
    [InlineData("/api/logs?spanId=123", HttpStatusCode.BadRequest, "16 hex digits")]
    [InlineData("/api/logs?level=loud", HttpStatusCode.BadRequest, "level")]
    [InlineData("/api/metrics", HttpStatusCode.BadRequest, "resource")]
    [InlineData("/api/metrics?resource=nobody", HttpStatusCode.NotFound, "nobody")]
    [InlineData("/api/nothing-here", HttpStatusCode.NotFound, null)]
    public async Task Bad_requests_get_problem_details(string url, HttpStatusCode status, string? detail)
    {
        using var response = await _server.Api.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)status, (int)problem["status"]!);
        if (detail is not null)
        {
            Assert.Contains(detail, problem["detail"].Str());
        }
    }

    [Theory]
    [InlineData("/jaeger/api/traces/xyz", 400, "trace id")]
    [InlineData("/jaeger/api/traces/0123456789abcdef0123456789abcdef", 404, "not found")]
    [InlineData("/jaeger/api/traces?minDuration=fast", 400, "minDuration")]
    [InlineData("/jaeger/api/traces?maxDuration=2562048h", 400, "maxDuration")]
    [InlineData("/jaeger/api/traces?start=yesterday", 400, "start")]
    [InlineData("/jaeger/api/traces?start=9223372036854775807", 400, "2262")]
    [InlineData("/jaeger/api/traces?end=9223372036854776", 400, "2262")]
    [InlineData("/jaeger/api/traces?lookback=forever", 400, "lookback")]
    [InlineData("/jaeger/api/traces?lookback=2147483647d", 400, "106751 days")]
    [InlineData("/jaeger/api/traces?lookback=106752d", 400, "106751 days")]
    [InlineData("/jaeger/api/traces?limit=-5", 400, "limit")]
    [InlineData("/jaeger/api/traces?limit=2147483647", 400, "1 to 1500")]
    [InlineData("/jaeger/api/traces?limit=1501", 400, "1 to 1500")]
    [InlineData("/jaeger/api/traces?tags=%7Bbroken", 400, "tags")]
    [InlineData("/jaeger/api/traces?tags=%5B1%5D", 400, "key=value")]
    [InlineData("/jaeger/api/traces?tags=%7B%22a%22%3A%22%5Cud800%22%7D", 400, "lone surrogate")]
    [InlineData("/jaeger/api/traces?tags=key%3D%22unterminated", 400, "closing quote")]
    [InlineData("/jaeger/api/operations", 400, "service")]
    public async Task Jaeger_errors_use_jaegers_envelope(string url, int code, string message)
    {
        using var response = await _server.Api.GetAsync(url);
        Assert.Equal(code, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Null(body["data"]);
        Assert.Equal(code, (int)body["errors"]![0]!["code"]!);
        Assert.Contains(message, body["errors"]![0]!["msg"].Str());
    }

    [Theory]
    [InlineData("limit=1500")]
    [InlineData("start=0&end=9223372036854775")]
    [InlineData("lookback=106751d")]
    [InlineData("lookback=2562047h")]
    [InlineData("end=0&lookback=106751d")]
    public async Task Jaeger_searches_at_the_edges_of_their_ranges(string query)
    {
        var traceId = OtlpRequests.NewTraceId();
        await _server.PostTracesOkAsync(OtlpRequests.Traces("edge-svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op")));
        var found = await _server.Api.GetJsonAsync($"/jaeger/api/traces?service=edge-svc&{query}");
        var expected = query.StartsWith("end=0", StringComparison.Ordinal) ? 0 : 1;
        Assert.Equal(expected, found["data"].Arr().Count);
    }

    [Fact]
    public async Task Jaeger_accepts_short_trace_ids()
    {
        var traceId = new byte[16];
        traceId[15] = 0xab;
        await _server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op")));
        var trace = await _server.Api.GetJsonAsync("/jaeger/api/traces/ab");
        Assert.Equal("000000000000000000000000000000ab", trace["data"]![0]!["traceID"].Str());
    }

    [Fact]
    public async Task Traces_list_sorts_and_pages()
    {
        for (var i = 1; i <= 5; i++)
        {
            var traceId = OtlpRequests.NewTraceId();
            var root = OtlpRequests.NewSpanId();
            var spans = new List<OpenTelemetry.Proto.Trace.V1.Span> { OtlpRequests.Span(traceId, root, null, $"trace{i}", startOffsetMs: (ulong)i * 100, durationMs: (ulong)(10 * (6 - i))) };
            spans.AddRange(Enumerable.Range(0, i).Select(_ => OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), root, "child", (ulong)i * 100)));
            await _server.PostTracesOkAsync(OtlpRequests.Traces("svc", [.. spans]));
        }

        string[] Names(JsonNode list) => list["items"].Arr().Select(t => t!["rootSpanName"].Str()).ToArray();
        Assert.Equal(["trace5", "trace4", "trace3", "trace2", "trace1"], Names(await _server.Api.GetJsonAsync("/api/traces")));
        Assert.Equal(["trace1", "trace2"], Names(await _server.Api.GetJsonAsync("/api/traces?sort=duration&order=desc&limit=2")));
        Assert.Equal(["trace3", "trace4"], Names(await _server.Api.GetJsonAsync("/api/traces?sort=spans&order=asc&offset=2&limit=2")));
        var slow = await _server.Api.GetJsonAsync("/api/traces?minDuration=35&maxDuration=45ms");
        Assert.Equal(["trace2"], Names(slow));
        Assert.Equal(1, (int)slow["total"]!);
    }

    [Fact]
    public async Task A_downloaded_trace_imports_again_unchanged()
    {
        var traceId = OtlpRequests.NewTraceId();
        var root = OtlpRequests.NewSpanId();
        var child = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), root, "child", attributeCount: 3);
        child.Status = new OpenTelemetry.Proto.Trace.V1.Status { Code = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error, Message = "bad" };
        await _server.PostTracesOkAsync(OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, root, null, "root"), child));
        var hex = OtlpRequests.Hex(traceId);

        using var download = await _server.Api.GetAsync($"/api/traces/{hex}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal($"trace-{hex}.otlp.json", download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        var json = await download.Content.ReadAsStringAsync();
        Assert.Contains($"\"traceId\":\"{hex}\"", json);

        await using var other = await TraceLabServer.StartAsync();
        using var import = await other.Otlp.PostAsync("/v1/traces", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);

        var original = await _server.Api.GetJsonAsync($"/api/traces/{hex}");
        var imported = await other.Api.GetJsonAsync($"/api/traces/{hex}");
        Assert.Equal(original["spans"]!.ToJsonString(), imported["spans"]!.ToJsonString());

        var jaeger = await _server.Api.GetJsonAsync($"/api/traces/{hex}/download?format=jaeger");
        Assert.Equal(2, jaeger["data"]![0]!["spans"].Arr().Count);
    }

    [Fact]
    public async Task Live_feed_sends_new_traces_and_logs()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        using var response = await _server.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        async Task<(string Event, JsonNode Data)> NextEventAsync()
        {
            string? name = null;
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return (name!, JsonNode.Parse(line[6..])!);
                }
            }
        }

        Assert.Equal("hello", (await NextEventAsync()).Event);

        var traceId = OtlpRequests.NewTraceId();
        await _server.PostTracesOkAsync(OtlpRequests.Traces("live", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "fresh")));
        var (traceEvent, traceData) = await NextEventAsync();
        Assert.Equal("traces", traceEvent);
        Assert.Equal(OtlpRequests.Hex(traceId), traceData["traces"]![0]!["traceId"].Str());

        using var logResponse = await _server.Otlp.PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Logs("live",
            new OpenTelemetry.Proto.Logs.V1.LogRecord { TimeUnixNano = OtlpRequests.Now, Body = new() { StringValue = "hi" } })));
        var (logEvent, logData) = await NextEventAsync();
        Assert.Equal("logs", logEvent);
        Assert.Equal(1, (int)logData["newCount"]!);
    }

    [Fact]
    public async Task Live_feed_delivers_a_change_made_right_after_hello()
    {
        // The feed stepped by hand: "hello" has been handed over and the feed not yet asked for more, the
        // moment an export can land while hello is still on its way to the browser. That change must not be lost.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var events = Api.LiveFeedApi.Events(_server.Store, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("hello", events.Current.EventType);

        var traceId = OtlpRequests.NewTraceId();
        await _server.PostTracesOkAsync(OtlpRequests.Traces("live", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "right after hello")));

        Assert.True(await events.MoveNextAsync(), "the feed ended (waited 10 s) without sending the trace that arrived right after hello");
        Assert.Equal("traces", events.Current.EventType);
        var traces = Assert.IsType<Api.LiveTracesDto>(events.Current.Data);
        Assert.Equal(OtlpRequests.Hex(traceId), Assert.Single(traces.Traces).TraceId);
    }

    [Fact]
    public async Task Logs_after_a_sequence_number_are_only_the_newer_ones_newest_first()
    {
        async Task PostLogsAsync(params string[] bodies)
        {
            using var response = await _server.Otlp.PostAsync("/v1/logs", OtlpRequests.Protobuf(OtlpRequests.Logs("svc",
                [.. bodies.Select(body => new OpenTelemetry.Proto.Logs.V1.LogRecord { TimeUnixNano = OtlpRequests.Now, Body = new() { StringValue = body } })])));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        static string[] Bodies(JsonNode list) => [.. list["items"].Arr().Select(l => l!["body"].Str())];

        await PostLogsAsync("one", "two");
        var first = await _server.Api.GetJsonAsync("/api/logs");
        Assert.Equal(["two", "one"], Bodies(first));
        var seen = (long)first["items"]![0]!["sequence"]!;

        await PostLogsAsync("three");
        await PostLogsAsync("four", "five");
        var newer = await _server.Api.GetJsonAsync($"/api/logs?after={seen}");
        Assert.Equal(["five", "four", "three"], Bodies(newer));
        Assert.Equal(3, (int)newer["total"]!);
        var sequences = newer["items"].Arr().Select(l => (long)l!["sequence"]!).ToArray();
        Assert.All(sequences, s => Assert.True(s > seen));
        Assert.Equal(sequences.OrderDescending(), sequences);

        // With the other filters and paging, and nothing newer than the newest.
        Assert.Equal(["four"], Bodies(await _server.Api.GetJsonAsync($"/api/logs?after={seen}&offset=1&limit=1")));
        Assert.Equal(["three"], Bodies(await _server.Api.GetJsonAsync($"/api/logs?after={seen}&text=thr")));
        Assert.Empty(Bodies(await _server.Api.GetJsonAsync($"/api/logs?after={sequences[0]}")));
        Assert.Equal(5, Bodies(await _server.Api.GetJsonAsync("/api/logs?after=0")).Length);
    }
}
