using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>A trace downloaded from one Trace Lab, in either format, imported into another.</summary>
public sealed class TraceImportTests : IAsyncLifetime
{
    private TraceLabServer _source = null!;
    private TraceLabServer _target = null!;
    private CheckoutScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _source = await TraceLabServer.StartAsync();
        _target = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:MaxRequestBodySize"] = "200000" });
        _scenario = CheckoutScenario.Run(_source, OtlpExportProtocol.Grpc);
        await _source.Api.WaitForJsonAsync($"/api/traces/{_scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task An_otlp_json_download_imports_unchanged()
    {
        var file = await _source.Api.GetStringAsync($"/api/traces/{_scenario.TraceId}/download?format=otlp");
        var result = await ImportAsync(file);
        Assert.Equal([_scenario.TraceId], result["traceIds"].Arr().Select(n => n.Str()));
        Assert.Equal(9, (int)result["acceptedSpans"]!);

        var original = await _source.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}");
        var imported = await _target.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}");
        Assert.Equal(original["spans"]!.ToJsonString(), imported["spans"]!.ToJsonString());
        Assert.Equal(original["hops"]!.ToJsonString(), imported["hops"]!.ToJsonString());
    }

    [Fact]
    public async Task A_jaeger_json_download_imports_with_kinds_statuses_scopes_events_links_and_resources()
    {
        var file = await _source.Api.GetStringAsync($"/api/traces/{_scenario.TraceId}/download?format=jaeger");
        var result = await ImportAsync(file);
        Assert.Equal([_scenario.TraceId], result["traceIds"].Arr().Select(n => n.Str()));

        var original = (await _source.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}"))["spans"].Arr();
        var imported = (await _target.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}"))["spans"].Arr();
        Assert.Equal(original.Count, imported.Count);
        for (var i = 0; i < original.Count; i++)
        {
            var (a, b) = (original[i]!, imported[i]!);
            foreach (var field in new[] { "spanId", "parentSpanId", "name", "kind", "service", "resourceId", "scope", "depth", "childCount", "status", "statusMessage", "backlinks" })
            {
                Assert.Equal(a[field]?.ToJsonString(), b[field]?.ToJsonString());
            }

            // Jaeger has no arrays: OpenTelemetry's mapping writes them as JSON text, and text they stay.
            var expected = a["attributes"].Arr().Select(x => (x!["key"].Str(), x["value"] is JsonArray array ? array.ToJsonString() : x["value"]!.ToJsonString()));
            var actual = b["attributes"].Arr().Select(x => (x!["key"].Str(), x["value"]!.GetValueKind() == System.Text.Json.JsonValueKind.String && x["value"].Str().StartsWith('[') ? x["value"].Str() : x["value"]!.ToJsonString()));
            Assert.Equal(expected, actual);

            // Jaeger keeps microseconds: times agree to the microsecond.
            Assert.Equal((double)a["offsetMs"]!, (double)b["offsetMs"]!, 0.002);
            Assert.Equal((double)a["durationMs"]!, (double)b["durationMs"]!, 0.002);
            Assert.Equal(a["events"].Arr().Select(e => e!["name"].Str() + e["attributes"]!.ToJsonString()), b["events"].Arr().Select(e => e!["name"].Str() + e["attributes"]!.ToJsonString()));
            Assert.Equal(a["links"].Arr().Select(l => l!["spanId"].Str()), b["links"].Arr().Select(l => l!["spanId"].Str()));
        }

        var consumer = await _target.Api.GetJsonAsync($"/api/traces/{_scenario.TraceId}/spans/{_scenario.ConsumerSpanId}");
        Assert.Equal("RabbitMQ message headers", consumer["hop"]!["carrierLabel"].Str());
    }

    [Fact]
    public async Task A_jaeger_file_from_another_tool_with_short_ids_and_follows_from_parents_imports()
    {
        const string file = """
            {"data":[{"traceID":"abc123","spans":[
              {"traceID":"abc123","spanID":"1","operationName":"root","references":[],"startTime":1700000000000000,"duration":5000,
               "tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"http.response.status_code","type":"int64","value":500},{"key":"error","type":"bool","value":true}],
               "logs":[{"timestamp":1700000000001000,"fields":[{"key":"event","type":"string","value":"exception"},{"key":"exception.message","type":"string","value":"boom"}]}],"processID":"p1"},
              {"traceID":"abc123","spanID":"2","operationName":"later","references":[{"refType":"FOLLOWS_FROM","traceID":"abc123","spanID":"1"}],"startTime":1700000000006000,"duration":10,"tags":[],"processID":"p2"}],
             "processes":{"p1":{"serviceName":"legacy","tags":[{"key":"host.name","type":"string","value":"box"}]},"p2":{"serviceName":"worker","tags":[]}}}]}
            """;
        var result = await ImportAsync(file);
        var traceId = "00000000000000000000000000abc123";
        Assert.Equal([traceId], result["traceIds"].Arr().Select(n => n.Str()));
        var spans = (await _target.Api.GetJsonAsync($"/api/traces/{traceId}"))["spans"].Arr();
        var root = spans.Find("name", "root")!;
        Assert.Equal("0000000000000001", root["spanId"].Str());
        Assert.Equal("server", root["kind"].Str());
        Assert.Equal("error", root["status"].Str());
        Assert.Equal("500", root["attributes"].Arr().Find("key", "http.response.status_code")!["value"]!.ToJsonString());
        Assert.Equal("exception", root["events"]![0]!["name"].Str());
        // FOLLOWS_FROM is a link, not a parent.
        var later = spans.Find("name", "later")!;
        Assert.Null(later["parentSpanId"]);
        Assert.Equal("0000000000000001", later["links"]![0]!["spanId"].Str());
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2, 3]", "trace 1 is not an object")]
    [InlineData("{\"hello\": \"world\"}", "expected Jaeger JSON")]
    [InlineData("{\"resourceSpans\": 5}", "OTLP")]
    [InlineData("{\"resourceSpans\": []}", "holds no spans")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [], \"processes\": {}}]}", "has no spans")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"xyz!\", \"operationName\": \"a\", \"startTime\": 1, \"duration\": 1, \"processID\": \"p1\"}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "span 1: spanID 'xyz!'")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"1\", \"operationName\": \"a\", \"startTime\": 1, \"duration\": 1, \"processID\": \"p9\"}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "processID 'p9'")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"1\", \"operationName\": \"a\", \"startTime\": \"yesterday\", \"duration\": 1, \"processID\": \"p1\"}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "\"startTime\"")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"1\", \"operationName\": \"a\", \"startTime\": 1, \"duration\": 1, \"processID\": \"p1\", \"tags\": [{\"key\": \"n\", \"type\": \"int64\", \"value\": \"many\"}]}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "does not fit its type 'int64'")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0123456789abcdef0123456789abcdef\",\"spanId\":\"0000000000000000\",\"name\":\"zero\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}", "No span of the file could be kept")]
    [InlineData("{\"resourceSpans\": [], \"resourceSpans\": []}", "resourceSpans")]
    [InlineData("{\"data\": [{\"traceID\": \"\\ud800\", \"spans\": [], \"processes\": {}}]}", "lone surrogate")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"1\", \"operationName\": \"a\", \"startTime\": 1, \"duration\": 1, \"processID\": \"p1\", \"tags\": [{\"key\": \"b\", \"type\": \"binary\", \"value\": null}]}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "does not fit its type 'binary'")]
    [InlineData("{\"data\": [{\"traceID\": \"ab\", \"spans\": [{\"traceID\": \"ab\", \"spanID\": \"1\", \"operationName\": \"a\", \"startTime\": 9223372036854775807, \"duration\": 1, \"processID\": \"p1\"}], \"processes\": {\"p1\": {\"serviceName\": \"s\"}}}]}", "beyond")]
    public async Task Malformed_files_get_a_clear_message(string file, string detail)
    {
        using var response = await _target.Api.PostAsync("/api/traces/import", new StringContent(file, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detail, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"].Str());
        Assert.Equal(0, _target.Store.TraceCount);
    }

    [Fact]
    public async Task Wrong_content_type_too_large_and_anonymous_imports_are_refused()
    {
        using var text = await _target.Api.PostAsync("/api/traces/import", new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        using var almostJson = await _target.Api.PostAsync("/api/traces/import", new StringContent("{}", Encoding.UTF8, "application/jsonx"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, almostJson.StatusCode);

        var large = "{\"resourceSpans\": [], \"padding\": \"" + new string('x', 300_000) + "\"}";
        using var tooLarge = await _target.Api.PostAsync("/api/traces/import", new StringContent(large, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = new Uri(_target.FrontendUrl) };
        using var refused = await anonymous.PostAsync("/api/traces/import", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private async Task<JsonNode> ImportAsync(string file)
    {
        using var response = await _target.Api.PostAsync("/api/traces/import", new StringContent(file, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
