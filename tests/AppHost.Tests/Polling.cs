using System.Text.Json.Nodes;

namespace DistributedTracing.AppHost.Tests;

internal static class Polling
{
    /// <summary>GETs <paramref name="url"/> until its JSON satisfies <paramref name="condition"/>; fails with the last answer.</summary>
    public static async Task<JsonNode> WaitForJsonAsync(HttpClient client, string url, Func<JsonNode, bool> condition, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        string last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(url);
                var text = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {text}";
                if (response.IsSuccessStatusCode && JsonNode.Parse(text) is { } json && condition(json))
                {
                    return json;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{client.BaseAddress}{url.TrimStart('/')} did not reach the expected state in {timeoutMs} ms; last: {(last.Length > 2000 ? last[..2000] : last)}");
        return null!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 250 ms; false if it never did.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds, checking every 100 ms; false if it never did.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
