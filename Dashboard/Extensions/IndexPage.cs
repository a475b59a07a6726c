namespace DistributedTracing.Dashboard.Extensions;

/// <summary>The landing page until the web UI arrives: where each part of the API is.</summary>
internal static class IndexPage
{
    public static IResult Render() => TypedResults.Content("""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>DistributedTracing dashboard</title>
        <style>:root { color-scheme: light dark; font-family: system-ui, sans-serif; } main { max-width: 48rem; margin: 2rem auto; }</style>
        </head>
        <body><main>
        <h1>DistributedTracing dashboard</h1>
        <ul>
          <li><a href="/api/traces">/api/traces</a>: traces, newest first (filters: service, text, minDuration, maxDuration, errorsOnly, attribute)</li>
          <li>/api/traces/{traceId}: one trace with its call tree, hops and links</li>
          <li><a href="/api/logs">/api/logs</a>: structured logs</li>
          <li><a href="/api/telemetry-resources">/api/telemetry-resources</a>: the processes that sent telemetry</li>
          <li><a href="/jaeger/api/services">/jaeger/api</a>: Jaeger's query API</li>
          <li><a href="/logout">Log out</a></li>
        </ul>
        </main></body>
        </html>
        """, "text/html; charset=utf-8");
}
