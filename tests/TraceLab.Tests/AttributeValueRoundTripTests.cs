using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DistributedTracing.TraceLab.Otlp.Decoding;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using ProtoSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// Whatever ingest accepts can be shown, searched, downloaded and imported again: every AnyValue type,
/// a map that repeats a key (the last value wins) and maps nested as deep as ingest keeps them.
/// </summary>
public sealed class AttributeValueRoundTripTests : IAsyncLifetime
{
    private TraceLabServer _source = null!;
    private TraceLabServer _target = null!;

    public async Task InitializeAsync()
    {
        _source = await TraceLabServer.StartAsync();
        _target = await TraceLabServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    private static KeyValue Pair(string key, AnyValue value) => new() { Key = key, Value = value };

    private static AnyValue Map(params KeyValue[] pairs) => new() { KvlistValue = new KeyValueList { Values = { pairs } } };

    private static AnyValue Array(params AnyValue[] values) => new() { ArrayValue = new ArrayValue { Values = { values } } };

    /// <summary>Maps inside maps, <paramref name="levels"/> deep, around the innermost value.</summary>
    private static AnyValue Nested(int levels, AnyValue innermost)
    {
        var value = innermost;
        for (var i = 0; i < levels; i++)
        {
            value = Map(Pair("level", value));
        }

        return value;
    }

    private static KeyValue[] EveryKind() =>
    [
        Pair("string", new AnyValue { StringValue = "text" }),
        Pair("bool", new AnyValue { BoolValue = true }),
        Pair("int", new AnyValue { IntValue = -42 }),
        Pair("double", new AnyValue { DoubleValue = 1.5 }),
        Pair("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 255) }),
        Pair("empty", new AnyValue()),
        Pair("array", Array(new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 1 }, Array(new AnyValue { BoolValue = false }), new AnyValue())),
        Pair("repeated", Map(
            Pair("k", new AnyValue { StringValue = "first" }),
            Pair("other", new AnyValue { DoubleValue = 2 }),
            Pair("k", new AnyValue { StringValue = "last" }))),
        Pair("deepest", Nested(AttributeNesting.MaxDepth, new AnyValue { StringValue = "bottom" })),
        Pair("too-deep", Nested(AttributeNesting.MaxDepth + 1, new AnyValue { StringValue = "below" })),
    ];

    [Fact]
    public async Task Every_value_kind_repeated_keys_and_deepest_nesting_are_shown_searched_downloaded_and_imported()
    {
        var traceId = OtlpRequests.NewTraceId();
        var spanId = OtlpRequests.NewSpanId();
        var span = OtlpRequests.Span(traceId, spanId, null, "values");
        span.Attributes.Add(EveryKind());
        // An event's attributes sit deepest in OTLP JSON: the file must still be written and read back.
        var spanEvent = new ProtoSpan.Types.Event { Name = "deep event", TimeUnixNano = span.StartTimeUnixNano };
        spanEvent.Attributes.Add(EveryKind());
        span.Events.Add(spanEvent);
        await _source.PostTracesOkAsync(OtlpRequests.Traces("values-svc", span));
        var hex = OtlpRequests.Hex(traceId);
        var spanHex = OtlpRequests.Hex(spanId);

        var shown = (await _source.Api.GetJsonAsync($"/api/traces/{hex}"))["spans"]![0]!;
        AssertValues(shown["attributes"].Arr());
        AssertValues(shown["events"]![0]!["attributes"].Arr());
        var single = await _source.Api.GetJsonAsync($"/api/traces/{hex}/spans/{spanHex}");
        Assert.Equal(shown["attributes"]!.ToJsonString(), single["attributes"]!.ToJsonString());

        Assert.Equal([spanHex], (await _source.Api.GetJsonAsync($"/api/traces/{hex}/search?text=bottom"))["spanIds"].Arr().Select(n => n.Str()));
        Assert.Equal(hex, (await _source.Api.GetJsonAsync("/api/traces?text=last"))["items"]![0]!["traceId"].Str());

        using var download = await _source.Api.GetAsync($"/api/traces/{hex}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var file = await download.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"first\"", file);

        using var import = await _target.Api.PostAsync("/api/traces/import", new StringContent(file, Encoding.UTF8, "application/json"));
        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        var imported = (await _target.Api.GetJsonAsync($"/api/traces/{hex}"))["spans"]![0]!;
        Assert.Equal(shown["attributes"]!.ToJsonString(), imported["attributes"]!.ToJsonString());
        Assert.Equal(shown["events"]!.ToJsonString(), imported["events"]!.ToJsonString());
    }

    private static void AssertValues(JsonArray attributes)
    {
        JsonNode Value(string key) => attributes.Find("key", key)!["value"]!;

        Assert.Equal("text", Value("string").Str());
        Assert.True((bool)Value("bool"));
        Assert.Equal(-42L, (long)Value("int"));
        Assert.Equal(1.5, (double)Value("double"));
        Assert.Equal(Convert.ToBase64String([1, 2, 255]), Value("bytes").Str());
        Assert.Null(attributes.Find("key", "empty")!["value"]);
        Assert.Equal("""["a",1,[false],null]""", Value("array").ToJsonString());
        Assert.Equal("""{"k":"last","other":2}""", Value("repeated").ToJsonString());

        var deepest = Value("deepest");
        var tooDeep = Value("too-deep");
        for (var i = 0; i < AttributeNesting.MaxDepth; i++)
        {
            deepest = deepest["level"]!;
            tooDeep = tooDeep["level"]!;
        }

        Assert.Equal("bottom", deepest.Str());
        // Past the limit the rest is kept as JSON text.
        Assert.Equal("""{"level":"below"}""", tooDeep.Str());
    }
}
