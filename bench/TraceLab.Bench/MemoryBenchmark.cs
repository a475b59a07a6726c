using System.Net.Http.Headers;

namespace DistributedTracing.TraceLab.Bench;

/// <summary>
/// Growth of the Trace Lab's resident set per retained span, with the store filled past its trace
/// limit (so it holds exactly MaxTraceCount traces and evicts as it goes).
/// </summary>
public static class MemoryBenchmark
{
    /// <param name="BaselineBytes">Resident set before the store was filled.</param>
    /// <param name="FilledBytes">Resident set with the store full.</param>
    /// <param name="RetainedSpans">Spans the store holds.</param>
    /// <param name="EstimatedSpanBytes">What the store charged its span budget (GET /api/store), to set against the real growth.</param>
    public sealed record Result(long BaselineBytes, long FilledBytes, long RetainedSpans, long EstimatedSpanBytes)
    {
        public double BytesPerSpan => (FilledBytes - BaselineBytes) / (double)RetainedSpans;

        public double EstimatedBytesPerSpan => EstimatedSpanBytes / (double)RetainedSpans;
    }

    public static async Task<Result> RunAsync(int maxTraceCount, int spansPerTrace, int attributesPerSpan)
    {
        await using var lab = await TraceLabProcess.StartAsync(maxTraceCount);
        using var client = new HttpClient { BaseAddress = new Uri(lab.HttpUrl) };
        client.DefaultRequestHeaders.Add("x-otlp-api-key", TraceLabProcess.ApiKey);

        // One small export first, so code paths and connections are warm before the baseline.
        await PostAsync(client, ExportRequests.Create(1, spansPerTrace, spansPerTrace, attributesPerSpan)[0]);
        await Task.Delay(1000);
        var baseline = lab.ResidentBytes();

        // 1.5x the limit in traces: the store ends full, having evicted the oldest third.
        const int spansPerRequest = 500;
        var totalSpans = maxTraceCount * 3 / 2 * spansPerTrace;
        foreach (var body in ExportRequests.Create(totalSpans / spansPerRequest, spansPerRequest, spansPerTrace, attributesPerSpan))
        {
            await PostAsync(client, body);
        }

        await Task.Delay(2000);
        using var api = new HttpClient { BaseAddress = new Uri(lab.FrontendUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TraceLabProcess.Token);
        var list = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/api/traces?limit=1"))!;
        var retainedTraces = (int)list["total"]!;
        var store = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/api/store"))!;
        return new Result(baseline, lab.ResidentBytes(), (long)retainedTraces * spansPerTrace, (long)store["usage"]!["spanBytes"]!);
    }

    private static async Task PostAsync(HttpClient client, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await client.PostAsync("/v1/traces", content);
        response.EnsureSuccessStatusCode();
    }
}
