using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// ASP.NET Core's request log writes every request's URL at Information, and the login link's URL holds the
/// browser token (under the AppHost, Aspire's dashboard token too). That log keeps to warnings and above,
/// whatever the logging configuration asks for.
/// </summary>
public static class RequestLogLevel
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder KeepRequestUrlsOutOfLogs(this ILoggingBuilder logging)
    {
        logging.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, WarningsOnly>();
        return logging;
    }

    // After the configuration's rules, so that it is the last word. A provider's own levels
    // (Logging:Console:LogLevel:Default, say) outrank every general rule however specific, so each provider
    // named in a rule gets this one too.
    private sealed class WarningsOnly : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            // null: the rule for every provider.
            foreach (var provider in options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList())
            {
                options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.Warning, filter: null));
            }
        }
    }
}
