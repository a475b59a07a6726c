using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// A far end that accepts <c>POST /v1/traces</c> but takes its time to answer each one: Kestrel on
/// 127.0.0.1, on a port the kernel picks.
/// </summary>
public sealed class SlowOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _received;

    private SlowOtlpReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Requests that have arrived, answered or not.</summary>
    public int Received => Volatile.Read(ref _received);

    public static async Task<SlowOtlpReceiver> StartAsync(TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new SlowOtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            Interlocked.Increment(ref receiver._received);
            await Task.Delay(delay, context.RequestAborted); // cut short when the Lab gives up or stops
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}
