using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// The real OpenTelemetry SDK exports a four-service trace, logs and metrics over OTLP/gRPC and
/// OTLP/HTTP; the project's API and the Jaeger API must return exactly that tree.
/// </summary>
public sealed class OtlpExportEndToEndTests
{
    public static TheoryData<string> Protocols => ["grpc", "http/protobuf"];

    private static OtlpExportProtocol ToProtocol(string name) => name == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Trace_tree_hops_and_links_come_back_exactly(string protocol)
    {
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, ToProtocol(protocol));

        var trace = await server.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        var summary = trace["summary"]!;
        Assert.Equal("frontend: GET /checkout", summary["name"].Str());
        Assert.True((bool)summary["hasError"]!);
        Assert.True((bool)summary["rootReceived"]!);
        Assert.Equal(6, (int)trace["depth"]!);
        var services = summary["services"].Arr().ToDictionary(s => s!["name"].Str(), s => (int)s!["spanCount"]!);
        Assert.Equal(new Dictionary<string, int> { ["frontend"] = 2, ["backend"] = 5, ["ledger"] = 1, ["worker"] = 1 }, services);

        // Depth-first, children by start time.
        var spans = trace["spans"].Arr();
        var rows = spans.Select(s => $"{(int)s!["depth"]!}:{s["service"].Str()}:{s["name"].Str()}:{s["kind"].Str()}").ToArray();
        Assert.Equal(
        [
            "0:frontend:GET /checkout:server",
            "1:frontend:POST:client",
            "2:backend:POST /pay:server",
            "3:backend:charge card:internal",
            "3:backend:payments.Ledger/Record:client",
            "4:backend:POST:client",
            "5:ledger:payments.Ledger/Record:server",
            "3:backend:publish orders:producer",
            "4:worker:process orders:consumer",
        ], rows);
        Assert.All(spans, s => Assert.False((bool)s!["parentNotReceived"]!));

        var charge = spans.Find("spanId", scenario.ChargeSpanId)!;
        Assert.Equal("error", charge["status"].Str());
        Assert.Equal("card declined", charge["statusMessage"].Str());
        Assert.Equal("retry", charge["events"]![0]!["name"].Str());
        var attributes = charge["attributes"].Arr();
        Assert.Equal(42.5, (double)attributes.Find("key", "payment.amount")!["value"]!);
        Assert.Equal(2, (long)attributes.Find("key", "payment.attempts")!["value"]!);
        Assert.Equal("[\"visa\",\"amex\"]", attributes.Find("key", "payment.cards")!["value"]!.ToJsonString());

        // Hops: each service boundary, with the carrier that moved the context.
        var hops = trace["hops"].Arr().Select(h => $"{h!["fromService"].Str()}->{h["toService"].Str()}:{h["carrier"].Str()}:{h["carrierLabel"].Str()}").ToArray();
        Assert.Equal(
        [
            "frontend->backend:http:HTTP headers",
            "backend->ledger:grpc:gRPC metadata",
            "backend->worker:messaging:RabbitMQ message headers",
        ], hops);
        var messagingHop = trace["hops"].Arr().Find("carrier", "messaging")!;
        Assert.Equal($"00-{scenario.TraceId}-{scenario.ProducerSpanId}-01", messagingHop["context"]!["traceparent"].Str());

        // The consumer links to the producer; the producer shows the backlink.
        var consumer = spans.Find("spanId", scenario.ConsumerSpanId)!;
        Assert.Equal(scenario.ProducerSpanId, consumer["parentSpanId"].Str());
        Assert.Equal(scenario.ProducerSpanId, consumer["links"]![0]!["spanId"].Str());
        Assert.True((bool)consumer["links"]![0]!["inThisTrace"]!);
        var producer = spans.Find("spanId", scenario.ProducerSpanId)!;
        Assert.Equal(scenario.ConsumerSpanId, producer["backlinks"]![0]!["spanId"].Str());

        // The list finds it by service, text, attribute and error.
        var list = await server.Api.GetJsonAsync("/api/traces?service=worker&text=declined&errorsOnly=true&attribute=messaging.destination.name=orders");
        Assert.Equal(1, (int)list["total"]!);
        Assert.Equal(scenario.TraceId, list["items"]![0]!["traceId"].Str());
        var none = await server.Api.GetJsonAsync("/api/traces?attribute=messaging.destination.name=payments");
        Assert.Equal(0, (int)none["total"]!);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Jaeger_api_returns_the_same_tree(string protocol)
    {
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, ToProtocol(protocol));
        await server.Api.WaitForJsonAsync($"/api/traces/{scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);

        var response = await server.Api.GetJsonAsync($"/jaeger/api/traces/{scenario.TraceId}");
        var trace = response["data"]![0]!;
        Assert.Equal(scenario.TraceId, trace["traceID"].Str());
        var spans = trace["spans"].Arr();
        Assert.Equal(9, spans.Count);
        var processes = trace["processes"]!.AsObject().Select(p => p.Value!["serviceName"].Str()).Order().ToArray();
        Assert.Equal(["backend", "frontend", "ledger", "worker"], processes);

        var consumer = spans.Find("spanID", scenario.ConsumerSpanId)!;
        var references = consumer["references"].Arr();
        Assert.Equal("CHILD_OF", references[0]!["refType"].Str());
        Assert.Equal(scenario.ProducerSpanId, references[0]!["spanID"].Str());
        Assert.Equal("FOLLOWS_FROM", references[1]!["refType"].Str());
        Assert.Equal("consumer", consumer["tags"].Arr().Find("key", "span.kind")!["value"].Str());

        var charge = spans.Find("spanID", scenario.ChargeSpanId)!;
        var tags = charge["tags"].Arr();
        Assert.True((bool)tags.Find("key", "error")!["value"]!);
        Assert.Equal("ERROR", tags.Find("key", "otel.status_code")!["value"].Str());
        Assert.Equal("card declined", tags.Find("key", "otel.status_description")!["value"].Str());
        Assert.Equal("float64", tags.Find("key", "payment.amount")!["type"].Str());
        Assert.Equal("int64", tags.Find("key", "payment.attempts")!["type"].Str());
        Assert.Equal("retry", charge["logs"]![0]!["fields"]![0]!["value"].Str());
        var root = spans.Find("operationName", "GET /checkout")!;
        Assert.Empty(root["references"].Arr());
        Assert.True((long)charge["startTime"]! >= (long)root["startTime"]!);

        var servicesList = await server.Api.GetJsonAsync("/jaeger/api/services");
        Assert.Equal(["backend", "frontend", "ledger", "worker"], servicesList["data"].Arr().Select(s => s.Str()).ToArray());
        var operations = await server.Api.GetJsonAsync("/jaeger/api/services/backend/operations");
        Assert.Contains("charge card", operations["data"].Arr().Select(s => s.Str()));
        var producers = await server.Api.GetJsonAsync("/jaeger/api/operations?service=backend&spanKind=producer");
        Assert.Equal("publish orders", producers["data"]![0]!["name"].Str());

        // Search: JSON tags, logfmt tags, durations and lookback.
        var byJsonTags = await server.Api.GetJsonAsync("/jaeger/api/traces?service=backend&tags=" + Uri.EscapeDataString("{\"messaging.system\":\"rabbitmq\"}") + "&lookback=1h&limit=20");
        Assert.Equal(scenario.TraceId, byJsonTags["data"]![0]!["traceID"].Str());
        var byLogfmt = await server.Api.GetJsonAsync("/jaeger/api/traces?service=backend&tags=" + Uri.EscapeDataString("error=true payment.amount=42.5"));
        Assert.Single(byLogfmt["data"].Arr());
        var byOperation = await server.Api.GetJsonAsync("/jaeger/api/traces?service=ledger&operation=" + Uri.EscapeDataString("payments.Ledger/Record") + "&minDuration=1us");
        Assert.Single(byOperation["data"].Arr());
        var tooLong = await server.Api.GetJsonAsync("/jaeger/api/traces?service=backend&minDuration=1h");
        Assert.Empty(tooLong["data"].Arr());
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1000;
        var inFuture = await server.Api.GetJsonAsync($"/jaeger/api/traces?service=backend&start={future}");
        Assert.Empty(inFuture["data"].Arr());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Logs_carry_trace_ids_and_metrics_arrive(string protocol)
    {
        await using var server = await TraceLabServer.StartAsync();
        var scenario = CheckoutScenario.Run(server, ToProtocol(protocol));

        var logs = await server.Api.WaitForJsonAsync($"/api/logs?traceId={scenario.TraceId}", l => (int)l["total"]! == 2);
        var warning = logs["items"].Arr().Find("level", "warning")!;
        Assert.Equal("Card declined for order 1234", warning["body"].Str());
        Assert.Equal(scenario.ChargeSpanId, warning["spanId"].Str());
        Assert.Equal("backend", warning["service"].Str());
        Assert.Equal(1234L, (long)warning["attributes"].Arr().Find("key", "OrderId")!["value"]!);

        var bySpan = await server.Api.GetJsonAsync($"/api/logs?spanId={scenario.ChargeSpanId}");
        Assert.Equal(1, (int)bySpan["total"]!);
        var warningsAndUp = await server.Api.GetJsonAsync("/api/logs?level=warning&service=backend");
        Assert.Equal(1, (int)warningsAndUp["total"]!);
        var byText = await server.Api.GetJsonAsync("/api/logs?text=finished");
        Assert.Equal(1, (int)byText["total"]!);

        var resources = await server.Api.GetJsonAsync("/api/telemetry-resources");
        var backend = resources.Arr().Find("serviceName", "backend")!;
        Assert.Equal("backend-1", backend["instanceId"].Str());
        var resourceId = backend["id"].Str();

        var instruments = await server.Api.WaitForJsonAsync($"/api/metrics?resource={Uri.EscapeDataString(resourceId)}", m => m.Arr().Count == 2);
        var counter = instruments.Arr().Find("name", "orders.placed")!;
        Assert.Equal("Sum", counter["type"].Str());
        Assert.True((bool)counter["isMonotonic"]!);
        var points = await server.Api.GetJsonAsync($"/api/metrics/points?resource={Uri.EscapeDataString(resourceId)}&name=orders.placed");
        Assert.Equal(3.0, (double)points[0]!["points"]![0]!["value"]!);
        var histogram = await server.Api.GetJsonAsync($"/api/metrics/points?resource={Uri.EscapeDataString(resourceId)}&name=payment.duration");
        Assert.Equal("Histogram", histogram[0]!["instrument"]!["type"].Str());
        Assert.Equal(12.5, (double)histogram[0]!["points"]![0]!["sum"]!);
    }
}
