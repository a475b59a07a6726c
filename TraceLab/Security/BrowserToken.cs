using DistributedTracing.TraceLab.Configuration;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Security;

/// <summary>The token that opens the UI and query APIs: from configuration, else random for this run.</summary>
public sealed class BrowserToken(IOptions<TraceLabOptions> options)
{
    public string Value { get; } = string.IsNullOrEmpty(options.Value.Frontend.BrowserToken)
        ? SecretComparer.GenerateToken()
        : options.Value.Frontend.BrowserToken;

    public bool IsGenerated { get; } = string.IsNullOrEmpty(options.Value.Frontend.BrowserToken);

    public bool Matches(string? presented) => SecretComparer.Matches(presented, Value);
}
