using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests;

internal static class JsonHelpers
{
    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static JsonArray Arr(this JsonNode? node) => node!.AsArray();

    public static IEnumerable<JsonNode> Items(this JsonNode? node) => node!.AsArray().Select(n => n!);

    public static string? Attribute(this JsonNode span, string key) =>
        span["attributes"].Items().FirstOrDefault(a => a["key"].Str() == key)?["value"]?.ToString();

    public static bool IsDatabaseSpan(this JsonNode span) => span.Attribute("db.system") is not null || span.Attribute("db.system.name") is not null;

    /// <summary>The trace id in a traceresponse header: 00-TRACEID-SPANID-FLAGS.</summary>
    public static string TraceIdOf(HttpResponseMessage response) =>
        response.Headers.GetValues("traceresponse").Single().Split('-')[1];
}
