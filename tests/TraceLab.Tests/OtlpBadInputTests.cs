using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Bad exports get a clear 4xx (or InvalidArgument) and leave the store as it was.</summary>
public sealed class OtlpBadInputTests : IAsyncLifetime
{
    private TraceLabServer _server = null!;

    public async Task InitializeAsync() => _server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
    {
        ["TraceLab:Otlp:MaxRequestBodySize"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Message)> PostAsync(HttpContent content, string path = "/v1/traces")
    {
        using var response = await _server.Otlp.PostAsync(path, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json";
        var message = json
            ? JsonNode.Parse(bytes)?["message"]?.GetValue<string>() ?? ""
            : bytes.Length == 0 ? "" : Google.Rpc.Status.Parser.ParseFrom(bytes).Message;
        return (response.StatusCode, message);
    }

    private void AssertStoreEmpty()
    {
        Assert.Equal(0, _server.Store.TraceCount);
        Assert.Equal(0, _server.Store.LogCount);
    }

    private static ByteArrayContent Raw(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }


    [Fact]
    public async Task Malformed_protobuf_is_400()
    {
        var (status, message) = await PostAsync(Raw([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01], "application/x-protobuf"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a valid ExportTraceServiceRequest", message);
        AssertStoreEmpty();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\",\"spanId\":\"0102030405060708\"}]}]}]}")]
    [InlineData("{\"resourceSpans\":\"nope\"}")]
    public async Task Malformed_json_is_400(string body)
    {
        var (status, message) = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("OTLP/JSON", message);
        AssertStoreEmpty();
    }

    public static TheoryData<string, string> UnreadableJson => new()
    {
        // Valid JSON syntax that no later reader could agree on or write out again.
        { "{\"resourceSpans\":[],\"resourceSpans\":[]}", "resourceSpans" },
        { SpanJson("\"name\":\"\\ud800\""), "lone surrogate" },
        { SpanJson("\"name\":\"ok\",\"attributes\":[{\"key\":\"\\udc00\",\"value\":{\"stringValue\":\"x\"}}]"), "lone surrogate" },
        // Numbers beyond their field's range.
        { SpanJson("\"name\":\"x\",\"kind\":4294967296"), "OTLP" },
        { SpanJson("\"name\":\"x\",\"flags\":-1"), "OTLP" },
        { SpanJson("\"name\":\"x\",\"droppedAttributesCount\":1e99"), "OTLP" },
        { SpanJson("\"name\":\"x\",\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"9223372036854775808\"}}]"), "OTLP" },
        { SpanJson("\"name\":\"x\",\"startTimeUnixNano\":\"99999999999999999999999\""), "OTLP" },
    };

    /// <summary>An OTLP/JSON export of one otherwise valid span, with the given members added.</summary>
    private static string SpanJson(string members)
    {
        var start = OtlpRequests.Now;
        return $$"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
              "startTimeUnixNano":"{{start}}","endTimeUnixNano":"{{start + 1000}}",{{members}}}]}]}]}
            """;
    }

    [Theory]
    [MemberData(nameof(UnreadableJson))]
    public async Task Json_that_cannot_be_read_back_is_400(string body, string expected)
    {
        var (status, message) = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, message);
        AssertStoreEmpty();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/jsonx")]
    [InlineData("application/x-protobuf-but-not")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var (status, message) = await PostAsync(Raw(Encoding.UTF8.GetBytes("hello"), contentType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/x-protobuf", message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var request = OtlpRequests.Traces("svc", [.. Enumerable.Range(0, 2000).Select(_ => OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "op", attributeCount: 10))]);
        Assert.True(request.CalculateSize() > 256 * 1024);
        var (status, message) = await PostAsync(OtlpRequests.Protobuf(request));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("MaxRequestBodySize", message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task A_small_gzip_body_that_inflates_past_the_limit_is_413()
    {
        var bomb = OtlpRequests.Gzip(new byte[4 * 1024 * 1024]); // 4 MiB of zeroes, a few KiB compressed
        Assert.True(bomb.Length < 64 * 1024);
        var content = Raw(bomb, "application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        var (status, message) = await PostAsync(content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("after decompression", message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task Gzip_bodies_are_accepted_and_broken_gzip_is_400()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "zipped"));
        var content = Raw(OtlpRequests.Gzip(request.ToByteArray()), "application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        var (status, _) = await PostAsync(content);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(_server.Store.GetTrace(Telemetry.TraceId.FromBytes(traceId)));

        var notGzip = Raw(Encoding.UTF8.GetBytes("this is not gzip at all"), "application/x-protobuf");
        notGzip.Headers.ContentEncoding.Add("gzip");
        var (notGzipStatus, notGzipMessage) = await PostAsync(notGzip);
        Assert.Equal(HttpStatusCode.BadRequest, notGzipStatus);
        Assert.Contains("gzip", notGzipMessage);

        var whole = OtlpRequests.Gzip(OtlpRequests.Traces("svc", OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "cut", attributeCount: 50)).ToByteArray());
        var truncated = Raw(whole[..(whole.Length / 2)], "application/x-protobuf");
        truncated.Headers.ContentEncoding.Add("gzip");
        var (truncatedStatus, _) = await PostAsync(truncated);
        Assert.Equal(HttpStatusCode.BadRequest, truncatedStatus);
        Assert.Equal(1, _server.Store.TraceCount);

        var brotli = Raw(request.ToByteArray(), "application/x-protobuf");
        brotli.Headers.ContentEncoding.Add("br");
        var (brotliStatus, _) = await PostAsync(brotli);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, brotliStatus);
    }

    public static TheoryData<string, byte[], byte[], byte[]?> BadIds => new()
    {
        { "trace id must be 16 bytes", new byte[15], OtlpRequests.NewSpanId(), null },
        { "trace id must not be all zeroes", new byte[16], OtlpRequests.NewSpanId(), null },
        { "span id must be 8 bytes", OtlpRequests.NewTraceId(), new byte[9], null },
        { "span id must not be all zeroes", OtlpRequests.NewTraceId(), new byte[8], null },
        { "span id must be 8 bytes", OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), new byte[4] },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task Ids_of_the_wrong_length_are_400(string expected, byte[] traceId, byte[] spanId, byte[]? parentSpanId)
    {
        var (status, message) = await PostAsync(OtlpRequests.Protobuf(OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, spanId, parentSpanId, "op"))));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, message);
        AssertStoreEmpty();
    }

    public static TheoryData<string, ulong, ulong> AbsurdTimes => new()
    {
        { "start time", 0, 1 },
        { "start time", 1_700_000_000, 1_700_000_001 }, // seconds sent as nanoseconds
        { "start time", OtlpRequests.Now + (400UL * 24 * 3600 * 1_000_000_000), OtlpRequests.Now + (400UL * 24 * 3600 * 1_000_000_000) },
        { "end time is before start time", OtlpRequests.Now, OtlpRequests.Now - 1 },
        { "longer than 7 days", OtlpRequests.Now - (8UL * 24 * 3600 * 1_000_000_000), OtlpRequests.Now },
    };

    [Theory]
    [MemberData(nameof(AbsurdTimes))]
    public async Task Absurd_timestamps_are_400(string expected, ulong start, ulong end)
    {
        var span = OtlpRequests.SpanWithTimes(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "op", start, end);
        var (status, message) = await PostAsync(OtlpRequests.Protobuf(OtlpRequests.Traces("svc", span)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task A_partly_bad_export_keeps_the_good_spans_and_reports_partial_success()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Traces("svc",
            OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "good"),
            OtlpRequests.Span(new byte[3], OtlpRequests.NewSpanId(), null, "bad"));
        using var response = await _server.PostTracesAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("span 'bad': trace id must be 16 bytes", answer.PartialSuccess.ErrorMessage);
        Assert.Single(_server.Store.GetTrace(Telemetry.TraceId.FromBytes(traceId))!.Spans);
    }

    [Fact]
    public async Task Bad_log_records_are_400()
    {
        var record = new LogRecord { TimeUnixNano = OtlpRequests.Now, TraceId = ByteString.CopyFrom(new byte[5]), Body = new() { StringValue = "x" } };
        var (status, message) = await PostAsync(OtlpRequests.Protobuf(OtlpRequests.Logs("svc", record)), "/v1/logs");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("trace id must be 16 bytes", message);

        var ancient = new LogRecord { TimeUnixNano = 5, Body = new() { StringValue = "x" } };
        (status, message) = await PostAsync(OtlpRequests.Protobuf(OtlpRequests.Logs("svc", ancient)), "/v1/logs");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a plausible time", message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task Json_ids_are_hex_even_when_they_also_parse_as_base64()
    {
        // 32 hex digits are also valid base64 (of 24 other bytes): the id must be read as hex.
        const string traceId = "5b8efff798038103d269b633813fc60c";
        const string spanId = "eee19b7ec3c1b174";
        var start = OtlpRequests.Now;
        var body = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
              "scopeSpans":[{"scope":{"name":"s"},"spans":[{"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","parentSpanId":"",
                "name":"json span","kind":2,"startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{start + 1000}}}",
                "attributes":[{"key":"n","value":{"intValue":"7"}}],"status":{"code":2,"message":"boom"}}]}]}]}
            """;
        using var response = await _server.Otlp.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).Trim());

        var trace = await _server.Api.GetJsonAsync($"/api/traces/{traceId}");
        var span = trace["spans"]![0]!;
        Assert.Equal(spanId, span["spanId"].Str());
        Assert.Equal("server", span["kind"].Str());
        Assert.Equal("error", span["status"].Str());
        Assert.Equal(7L, (long)span["attributes"]![0]!["value"]!);
    }

    [Fact]
    public async Task Grpc_rejects_invalid_spans_with_invalid_argument_and_accepts_gzip()
    {
        using var channel = _server.CreateGrpcChannel();
        var client = new TraceService.TraceServiceClient(channel);
        var headers = new Metadata { { "x-otlp-api-key", TraceLabServer.ApiKey } };

        var bad = OtlpRequests.Traces("svc", OtlpRequests.Span(new byte[16], OtlpRequests.NewSpanId(), null, "op"));
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(bad, headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("trace id must not be all zeroes", ex.Status.Detail);
        AssertStoreEmpty();

        var traceId = OtlpRequests.NewTraceId();
        var good = OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op"));
        var gzipHeaders = new Metadata { { "x-otlp-api-key", TraceLabServer.ApiKey }, { "grpc-internal-encoding-request", "gzip" } };
        await client.ExportAsync(good, gzipHeaders);
        Assert.NotNull(_server.Store.GetTrace(Telemetry.TraceId.FromBytes(traceId)));
    }

    [Fact]
    public async Task Grpc_rejects_malformed_and_oversized_messages()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(_server.OtlpGrpcUrl), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        async Task<(StatusCode, string)> Send(byte[] message)
        {
            var frame = new byte[5 + message.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
            message.CopyTo(frame, 5);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            {
                Content = new ByteArrayContent(frame),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            request.Headers.TE.ParseAdd("trailers");
            request.Headers.Add("x-otlp-api-key", TraceLabServer.ApiKey);
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var headers = response.TrailingHeaders.Concat(response.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value));
            Assert.True(headers.ContainsKey("grpc-status"), $"HTTP {(int)response.StatusCode}, headers: {string.Join("; ", headers.Select(h => h.Key + "=" + h.Value))}");
            return ((StatusCode)int.Parse(headers["grpc-status"], System.Globalization.CultureInfo.InvariantCulture),
                Uri.UnescapeDataString(headers.GetValueOrDefault("grpc-message", "")));
        }

        var (malformed, _) = await Send([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        Assert.Equal(StatusCode.InvalidArgument, malformed);

        var (oversized, detail) = await Send(new byte[300 * 1024]);
        Assert.Equal(StatusCode.ResourceExhausted, oversized);
        Assert.Contains("exceeds the maximum", detail);
        AssertStoreEmpty();
    }
}
