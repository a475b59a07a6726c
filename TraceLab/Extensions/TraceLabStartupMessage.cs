using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Security;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Extensions;

/// <summary>
/// Says where the Trace Lab listens once it does. The login link carries the token only when the
/// Lab made the token itself: a token from configuration belongs to whoever configured it
/// (the AppHost prints its own link).
/// </summary>
public sealed partial class TraceLabStartupMessage(
    IHostApplicationLifetime lifetime,
    IOptions<TraceLabOptions> options,
    BrowserToken token,
    ILogger<TraceLabStartupMessage> logger) : IHostedService
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Login to the Trace Lab at {LoginUrl}")]
    private static partial void LogLoginLink(ILogger logger, string loginUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trace Lab at {FrontendUrl} (log in with the configured TraceLab:Frontend:BrowserToken)")]
    private static partial void LogLoginConfigured(ILogger logger, string frontendUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "OTLP/gRPC at {GrpcUrl}, OTLP/HTTP at {HttpUrl} (auth mode {AuthMode})")]
    private static partial void LogOtlpEndpoints(ILogger logger, string grpcUrl, string httpUrl, OtlpAuthMode authMode);
}
