using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// Every log entry a Trace Lab writes, at every level: its category, message, structured values, scopes and
/// exception, as text a test can search (for a secret that must not be there, say).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The formatted message alone could hide a value the template leaves out: the values go in too.
            var parts = new List<string> { $"{logLevel} {category}: {formatter(state, exception)}" };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            }

            owner._scopes.ForEachScope((scope, list) => list.Add($"scope {scope}"), parts);
            if (exception is not null)
            {
                parts.Add(exception.ToString());
            }

            owner._entries.Enqueue(string.Join(" | ", parts));
        }
    }
}
