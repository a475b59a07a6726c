using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistributedTracing.TraceLab.Tests;

internal static class ApiJson
{
    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Polls until the condition holds: exporters deliver asynchronously.</summary>
    public static async Task<JsonNode> WaitForJsonAsync(this HttpClient client, string url, Func<JsonNode, bool> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var node = await client.GetJsonAsync(url);
            if (condition(node))
            {
                return node;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"GET {url} did not reach the expected state within {timeoutMs} ms; last answer: {Shorten(node.ToJsonString())}");
            }

            await Task.Delay(100);
        }
    }

    private static string Shorten(string text) => text.Length > 1500 ? text[..1500] + "…" : text;

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static JsonArray Arr(this JsonNode? node) => node!.AsArray();

    public static JsonNode? Find(this JsonArray array, string property, string value) =>
        array.FirstOrDefault(n => n?[property]?.GetValueKind() == JsonValueKind.String && n[property]!.GetValue<string>() == value);
}
