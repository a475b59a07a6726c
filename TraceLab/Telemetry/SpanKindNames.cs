namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// Span kinds by the lower-case names OpenTelemetry's specification uses, as the APIs, the filters, the
/// Jaeger tag <c>span.kind</c> and the UI write them. One list, indexed by the enum's value.
/// </summary>
public static class SpanKindNames
{
    public static IReadOnlyList<string> All { get; } = ["unspecified", "internal", "server", "client", "producer", "consumer"];

    public static string Of(SpanKind kind) => (int)kind < All.Count ? All[(int)kind] : All[0];
}
