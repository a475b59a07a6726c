using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using DistributedTracing.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.Hosting.ResourceService;

/// <summary>
/// The engine's resource API, for the dashboard's resources page: every resource's state, health, URLs,
/// environment (secrets masked) and console output, live. On loopback only, behind the dashboard's
/// browser token (Authorization: Bearer), like the dashboard's own API.
/// </summary>
internal sealed class ResourceServiceHost(DistributedApplication app, string token) : IAsyncDisposable
{
    private WebApplication? _web;

    public string Url { get; private set; } = "";

    public async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var web = builder.Build();
        web.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !Matches(header["Bearer ".Length..], token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });

        web.MapGet("/resources", () => TypedResults.Json(app.Snapshots));
        web.MapGet("/resources/{name}/logs", (string name, long? after) =>
            app.Snapshots.Any(s => s.Name == name)
                ? Results.Json(app.GetOutput(name).Snapshot(after ?? 0))
                : Results.Problem(detail: $"No resource named '{name}'.", statusCode: StatusCodes.Status404NotFound));
        web.MapGet("/resources/watch", (CancellationToken cancellationToken) => TypedResults.ServerSentEvents(Watch(cancellationToken)));

        await web.StartAsync(cancellationToken);
        _web = web;
        Url = $"http://127.0.0.1:{port}";
    }

    private async IAsyncEnumerable<SseItem<ResourceSnapshot>> Watch([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = System.Threading.Channels.Channel.CreateUnbounded<ResourceSnapshot>();
        void OnChanged(ResourceSnapshot snapshot) => changes.Writer.TryWrite(snapshot);
        app.ResourceChanged += OnChanged;
        try
        {
            foreach (var snapshot in app.Snapshots)
            {
                yield return new SseItem<ResourceSnapshot>(snapshot, "resource");
            }

            await foreach (var snapshot in changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new SseItem<ResourceSnapshot>(snapshot, "resource");
            }
        }
        finally
        {
            app.ResourceChanged -= OnChanged;
        }
    }

    private static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
    }
}
