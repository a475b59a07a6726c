using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The hand-written span decoder against messages Google.Protobuf writes, odd field orders included.</summary>
public sealed class OtlpSpanDecoderTests
{
    [Fact]
    public async Task Every_value_type_survives_and_unknown_fields_and_any_field_order_are_fine()
    {
        await using var server = await TraceLabServer.StartAsync();
        var traceId = OtlpRequests.NewTraceId();
        var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "décodé ✓");
        span.Attributes.Add(new KeyValue { Key = "s", Value = new AnyValue { StringValue = "ünïcødé 🚀" } });
        span.Attributes.Add(new KeyValue { Key = "empty", Value = new AnyValue { StringValue = "" } });
        span.Attributes.Add(new KeyValue { Key = "b", Value = new AnyValue { BoolValue = true } });
        span.Attributes.Add(new KeyValue { Key = "i", Value = new AnyValue { IntValue = -9_000_000_000 } });
        span.Attributes.Add(new KeyValue { Key = "d", Value = new AnyValue { DoubleValue = -0.25 } });
        span.Attributes.Add(new KeyValue { Key = "bytes", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) } });
        var array = new ArrayValue();
        array.Values.Add(new AnyValue { StringValue = "x" });
        array.Values.Add(new AnyValue { IntValue = 2 });
        span.Attributes.Add(new KeyValue { Key = "array", Value = new AnyValue { ArrayValue = array } });
        var map = new KeyValueList();
        map.Values.Add(new KeyValue { Key = "inner", Value = new AnyValue { BoolValue = false } });
        span.Attributes.Add(new KeyValue { Key = "map", Value = new AnyValue { KvlistValue = map } });
        span.Attributes.Add(new KeyValue { Key = "unset" });
        span.Status = new Status { Code = Status.Types.StatusCode.Ok, Message = "fine" };
        span.TraceState = "vendor=1";
        span.Flags = 0x301;

        // ResourceSpans written as scope_spans (2) first and the resource (1) last, with an unknown field (99) between.
        var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "odd-order", Version = "2.0" } };
        scopeSpans.Spans.Add(span);
        var resource = new Resource();
        resource.Attributes.Add(OtlpRequests.Attribute("service.name", "decoder-svc"));
        var resourceSpans = new MemoryStream();
        var output = new CodedOutputStream(resourceSpans);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(scopeSpans);
        output.WriteTag(99, WireFormat.WireType.Varint);
        output.WriteUInt64(12345);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(resource);
        output.Flush();
        var request = new MemoryStream();
        var requestOutput = new CodedOutputStream(request);
        requestOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
        requestOutput.WriteBytes(ByteString.CopyFrom(resourceSpans.ToArray()));
        requestOutput.Flush();

        using var response = await server.Otlp.PostAsync("/v1/traces", new ByteArrayContent(request.ToArray()) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);

        var stored = (await server.Api.GetJsonAsync($"/api/traces/{OtlpRequests.Hex(traceId)}"))["spans"]![0]!;
        Assert.Equal("décodé ✓", stored["name"].Str());
        Assert.Equal("decoder-svc", stored["service"].Str());
        Assert.Equal("odd-order", stored["scope"]!["name"].Str());
        Assert.Equal("ok", stored["status"].Str());
        Assert.Equal("fine", stored["statusMessage"].Str());
        Assert.Equal("vendor=1", stored["traceState"].Str());
        Assert.Equal(0x301u, (uint)stored["flags"]!);
        var values = stored["attributes"].Arr().ToDictionary(a => a!["key"].Str(), a => a!["value"]?.ToJsonString() ?? "null");
        Assert.Equal("\"ünïcødé 🚀\"", System.Text.RegularExpressions.Regex.Unescape(values["s"]));
        Assert.Equal("\"\"", values["empty"]);
        Assert.Equal("true", values["b"]);
        Assert.Equal("-9000000000", values["i"]);
        Assert.Equal("-0.25", values["d"]);
        Assert.Equal("\"AQID\"", values["bytes"]);
        Assert.Equal("[\"x\",2]", values["array"]);
        Assert.Equal("{\"inner\":false}", values["map"]);
        Assert.Equal("null", values["unset"]);
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0x05, 0x12, 0x03, 0x12, 0x01 })]           // a span field claiming more bytes than remain
    [InlineData(new byte[] { 0x0a, 0x02, 0x12, 0xff })]                       // a varint cut short
    [InlineData(new byte[] { 0x0b })]                                         // wire type 3 (groups) is not OTLP
    [InlineData(new byte[] { 0x08, 0x01 })]                                   // field 1 with the wrong wire type
    [InlineData(new byte[] { 0x00 })]                                         // field number 0
    public async Task Broken_wire_bytes_are_rejected_with_a_reason(byte[] body)
    {
        await using var server = await TraceLabServer.StartAsync();
        using var response = await server.Otlp.PostAsync("/v1/traces", new ByteArrayContent(body) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("not a valid ExportTraceServiceRequest", status.Message);
        Assert.Equal(0, server.Store.TraceCount);
    }
}
