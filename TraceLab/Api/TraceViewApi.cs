using DistributedTracing.TraceLab.Telemetry;
using DistributedTracing.TraceLab.Traces;

namespace DistributedTracing.TraceLab.Api;

/// <summary>
/// The trace page's own queries: the waterfall in columns, one span's full details, and search within a
/// trace. They exist so the page never has to load every attribute of a 100,000-span trace up front.
/// </summary>
public static class TraceViewApi
{
    public static RouteGroupBuilder MapTraceViewApi(this RouteGroupBuilder api)
    {
        api.MapGet("/traces/{traceId}/waterfall", GetWaterfall);
        api.MapGet("/traces/{traceId}/spans/{spanId}", GetSpan);
        api.MapGet("/traces/{traceId}/search", Search);
        return api;
    }

    private static IResult GetWaterfall(TelemetryStore store, TraceTreeCache trees, string traceId)
    {
        if (!TryFind(store, traceId, out var trace, out var problem))
        {
            return problem;
        }

        var logs = store.QueryLogs(l => l.TraceId == trace.TraceId);
        return TypedResults.Ok(TraceWaterfallMapper.ToWaterfall(trace, trees.Get(trace), logs));
    }

    private static IResult GetSpan(TelemetryStore store, TraceTreeCache trees, string traceId, string spanId)
    {
        if (!TryFind(store, traceId, out var trace, out var problem))
        {
            return problem;
        }

        if (!SpanId.TryParse(spanId, out var id))
        {
            return ApiProblems.BadRequest($"'{spanId}' is not a span id: expected 16 hex digits.");
        }

        var tree = trees.Get(trace);
        var node = tree.Nodes.FirstOrDefault(n => n.Span.SpanId == id);
        if (node is null)
        {
            return ApiProblems.NotFound($"Trace {traceId} has no span {spanId}.");
        }

        var backlinks = trace.Spans
            .Where(s => s.Links.Any(l => l.TraceId == trace.TraceId && l.SpanId == id))
            .Select(s => new SpanRefDto(traceId, SpanId.ToHex(s.SpanId)))
            .ToList();
        var spanIds = trace.Spans.Select(s => s.SpanId).ToHashSet();
        var hop = tree.Hops.FirstOrDefault(h => h.Child.SpanId == id);
        return TypedResults.Ok(TraceMapper.ToSpan(node, trace, backlinks, spanIds) with
        {
            Hop = hop is null ? null : TraceMapper.ToHop(hop),
            ResourceAttributes = TraceMapper.ToAttributes(node.Span.Resource.Attributes),
        });
    }

    /// <summary>Span ids whose name, status message or any attribute value contains the text, in display order.</summary>
    private static IResult Search(TelemetryStore store, TraceTreeCache trees, string traceId, string? text)
    {
        if (!TryFind(store, traceId, out var trace, out var problem))
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiProblems.BadRequest("Give the text to search for: ?text=...");
        }

        var query = new TextQuery(text.Trim());
        var matches = trees.Get(trace).Nodes
            .Where(n => TraceFilter.SpanContainsText(n.Span, query))
            .Select(n => SpanId.ToHex(n.Span.SpanId))
            .ToList();
        return TypedResults.Ok(new TraceSearchDto(query.Text, matches));
    }

    private static bool TryFind(TelemetryStore store, string traceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TraceSnapshot? trace, out IResult problem)
    {
        trace = null;
        if (!TraceId.TryParse(traceId, out var id))
        {
            problem = ApiProblems.InvalidTraceId(traceId);
            return false;
        }

        trace = store.GetTrace(id);
        problem = trace is null ? ApiProblems.TraceNotFound(traceId) : Results.Empty;
        return trace is not null;
    }
}

public sealed record TraceSearchDto(string Text, IReadOnlyList<string> SpanIds);
