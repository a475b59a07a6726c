using DistributedTracing.Dashboard.Configuration;
using DistributedTracing.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace DistributedTracing.Dashboard.Extensions;

/// <summary>
/// Says where the dashboard listens once it does. The login link carries the token only when the
/// dashboard made the token itself: a token from configuration belongs to whoever configured it
/// (the AppHost prints its own link).
/// </summary>
public sealed partial class DashboardStartupMessage(
    IHostApplicationLifetime lifetime,
    IOptions<DashboardOptions> options,
    BrowserToken token,
    ILogger<DashboardStartupMessage> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var value = options.Value;
            var frontend = value.Frontend.EndpointUrl.TrimEnd('/');
            if (token.IsGenerated)
            {
                LogLoginLink(logger, $"{frontend}/login?t={token.Value}");
            }
            else
            {
                LogLoginConfigured(logger, frontend);
            }

            LogOtlpEndpoints(logger, value.Otlp.GrpcEndpointUrl, value.Otlp.HttpEndpointUrl, value.Otlp.AuthMode);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Login to the dashboard at {LoginUrl}")]
    private static partial void LogLoginLink(ILogger logger, string loginUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard at {FrontendUrl} (log in with the configured Dashboard:Frontend:BrowserToken)")]
    private static partial void LogLoginConfigured(ILogger logger, string frontendUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "OTLP/gRPC at {GrpcUrl}, OTLP/HTTP at {HttpUrl} (auth mode {AuthMode})")]
    private static partial void LogOtlpEndpoints(ILogger logger, string grpcUrl, string httpUrl, OtlpAuthMode authMode);
}
