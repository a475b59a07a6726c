using OpenTelemetry.Exporter;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// One Trace Lab holding one checkout (sent over OTLP/gRPC by the real SDK), shared by the UI tests of a
/// class that only read it, so each can check one thing without paying for a server and a scenario.
/// </summary>
public sealed class CheckoutTraceLab : IAsyncLifetime
{
    public TraceLabServer Server { get; private set; } = null!;

    public CheckoutScenario Scenario { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TraceLabServer.StartAsync();
        Scenario = CheckoutScenario.Run(Server, OtlpExportProtocol.Grpc);
        await Server.Api.WaitForJsonAsync($"/api/traces/{Scenario.TraceId}", t => (int)t["summary"]!["spanCount"]! == 9);
        await Server.Api.WaitForJsonAsync($"/api/logs?traceId={Scenario.TraceId}", l => (int)l["total"]! == 2);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
