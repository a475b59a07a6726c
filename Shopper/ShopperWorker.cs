using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace DistributedTracing.Shopper;

/// <summary>
/// A simulated customer: now and then a new user signs up, and every few seconds someone places an
/// order through the gateway, so the dashboard has fresh traces the moment it opens.
/// </summary>
public sealed partial class ShopperWorker(IHttpClientFactory httpClients, IOptions<ShopperOptions> options, IHostEnvironment environment, ILogger<ShopperWorker> logger)
    : BackgroundService
{
    public const string GatewayClientName = "gateway";

    private static readonly string[] Skus = ["book-ddia", "book-sre", "mug-otel", "tshirt-trace", "sticker-span"];
    private readonly ActivitySource _source = new(environment.ApplicationName);
    private readonly List<long> _userIds = [1, 2, 3]; // the demo users UserService seeds

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.IntervalSeconds)));
        var round = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A client per round: cheap, and the factory's handler rotation then reaches this worker too.
                var gateway = httpClients.CreateClient(GatewayClientName);
                if (round++ % 5 == 0)
                {
                    await SignUpAsync(gateway, stoppingToken);
                }

                await PlaceOrderAsync(gateway, stoppingToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex.Message);
            }
        }
    }

    private async Task SignUpAsync(HttpClient gateway, CancellationToken cancellationToken)
    {
        using var activity = _source.StartActivity("sign up");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var response = await gateway.PostAsJsonAsync("/api/users", new { name = $"Shopper {suffix}", email = $"shopper-{suffix}@example.com" }, cancellationToken);
        if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<CreatedUser>(cancellationToken) is { } user)
        {
            _userIds.Add(user.Id);
        }
    }

    private async Task PlaceOrderAsync(HttpClient gateway, CancellationToken cancellationToken)
    {
        using var activity = _source.StartActivity("place order");
        var items = Enumerable.Range(0, Random.Shared.Next(1, 4))
            .Select(_ => new { sku = Skus[Random.Shared.Next(Skus.Length)], quantity = Random.Shared.Next(1, 3), unitPrice = Random.Shared.Next(100, 5000) / 100m })
            .ToList();
        var userId = _userIds[Random.Shared.Next(_userIds.Count)];

        // Baggage rides beside traceparent through every hop; each service records what it received,
        // so the dashboard can show it crossing. Set for this order only (Baggage.Current flows with the call).
        var previous = Baggage.Current;
        Baggage.SetBaggage("shopper.user.id", userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var response = await gateway.PostAsJsonAsync("/api/orders", new { userId, items }, cancellationToken);
            LogOrdered(logger, userId, (int)response.StatusCode, activity?.TraceId.ToHexString());
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    private sealed record CreatedUser(long Id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopper is off (Shopper:Enabled=false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} ordered: HTTP {Status} (trace {TraceId})")]
    private static partial void LogOrdered(ILogger logger, long userId, int status, string? traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway did not answer: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
