using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// A Lab forwards what it accepts to a second Lab, the "far end" (a real OTLP receiver, as Aspire's
/// dashboard is), over gRPC and over OTLP/HTTP: the far end must hold the same spans, logs and metrics.
/// </summary>
public sealed class ForwardingTests
{
    // Commas, spaces and '=' in the far end's key: the headers setting must carry it URL-encoded.
    private const string FarEndKey = "far end, key=1";

    private static string KeyHeader => "x-otlp-api-key=" + Uri.EscapeDataString(FarEndKey);

    public static TheoryData<string, string> Routes => new()
    {
        // forwarding protocol, protocol the SDK exports to the Lab with
        { "grpc", "http/protobuf" },
        { "http/protobuf", "grpc" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_far_end_receives_the_same_trace_logs_and_metrics(string forwardingProtocol, string exportProtocol)
    {
        await using var farEnd = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:PrimaryApiKey"] = FarEndKey });
        // gRPC through TraceLab:Forwarding; OTLP/HTTP through the variables Aspire sets, read as configuration.
        await using var lab = await TraceLabServer.StartAsync(forwardingProtocol == "grpc"
            ? new Dictionary<string, string?>
            {
                ["TraceLab:Forwarding:Endpoint"] = farEnd.OtlpGrpcUrl,
                ["TraceLab:Forwarding:Protocol"] = "grpc",
                ["TraceLab:Forwarding:Headers"] = KeyHeader,
            }
            : new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = farEnd.OtlpHttpUrl,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_EXPORTER_OTLP_HEADERS"] = KeyHeader,
            });

        var scenario = CheckoutScenario.Run(lab, exportProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf);

        var here = await lab.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        var there = await WaitForTraceAsync(farEnd, scenario.TraceId, spanCount: 9);
        Assert.Equal(SpanIds(here), SpanIds(there));
        Assert.Equal(scenario.ChargeSpanId, there["spans"].Arr().Find("name", "charge card")!["spanId"].Str());

        var logs = await farEnd.Api.WaitForJsonAsync($"/api/logs?traceId={scenario.TraceId}", l => (int)l["total"]! == 2);
        Assert.Equal("Card declined for order 1234", logs["items"].Arr().Find("level", "warning")!["body"].Str());

        var backend = (await farEnd.Api.GetJsonAsync("/api/telemetry-resources")).Arr().Find("serviceName", "backend")!;
        var instruments = await farEnd.Api.WaitForJsonAsync($"/api/metrics?resource={Uri.EscapeDataString(backend["id"].Str())}", m => m.Arr().Count == 2);
        Assert.NotNull(instruments.Arr().Find("name", "orders.placed"));

        var status = await lab.Api.WaitForJsonAsync("/api/forwarding", s => (int)s["queued"]! == 0);
        Assert.True((bool)status["enabled"]!);
        Assert.Equal(forwardingProtocol, status["protocol"].Str());
        Assert.True((long)status["forwarded"]! >= 3, status.ToJsonString()); // at least one export of each signal
        Assert.Equal(0, (long)status["dropped"]!);
        Assert.Equal(0, (long)status["failed"]!);
        Assert.DoesNotContain(FarEndKey, status.ToJsonString());
        Assert.DoesNotContain("key%3D1", status.ToJsonString());
    }

    [Fact]
    public async Task Otlp_json_is_forwarded_as_protobuf_with_the_same_ids()
    {
        await using var farEnd = await TraceLabServer.StartAsync();
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = farEnd.OtlpGrpcUrl,
            ["TraceLab:Forwarding:Headers"] = $"x-otlp-api-key={TraceLabServer.ApiKey}",
        });
        var (traceId, spanId) = (OtlpRequests.Hex(OtlpRequests.NewTraceId()), OtlpRequests.Hex(OtlpRequests.NewSpanId()));
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"browser"}}]},
              "scopeSpans":[{"spans":[{"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","name":"click checkout","kind":1,
                "startTimeUnixNano":"{{{OtlpRequests.Now}}}","endTimeUnixNano":"{{{OtlpRequests.Now + 5_000_000}}}"}]}]}]}
            """;
        // Gzipped, as the Collector and browser exporters may send it: forwarded after decompression.
        var content = new ByteArrayContent(OtlpRequests.Gzip(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await lab.Otlp.PostAsync("/v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var there = await WaitForTraceAsync(farEnd, traceId, spanCount: 1);
        Assert.Equal(spanId, there["spans"]![0]!["spanId"].Str());
        Assert.Equal("browser: click checkout", there["summary"]!["name"].Str());
    }

    /// <summary>Forwarding is asynchronous: the trace is not at the far end (404) until its first export is.</summary>
    private static async Task<JsonNode> WaitForTraceAsync(TraceLabServer farEnd, string traceId, int spanCount)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await farEnd.Api.GetAsync($"/api/traces/{traceId}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body) is { } trace && (int)trace["summary"]!["spanCount"]! == spanCount)
            {
                return trace;
            }

            Assert.True(DateTime.UtcNow < deadline, $"trace {traceId} did not reach the far end with {spanCount} spans in 10 s; last answer {(int)response.StatusCode}: {body}");
            await Task.Delay(100);
        }
    }

    private static string[] SpanIds(JsonNode trace) => [.. trace["spans"].Arr().Select(s => s!["spanId"].Str()).Order()];

}
