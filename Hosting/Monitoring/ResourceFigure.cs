namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// One live figure of a resource, such as a queue's message count: shown in Aspire's dashboard as the
/// resource property <see cref="Property"/>, and exported as a point of the gauge <see cref="Gauge"/> with
/// <see cref="Tags"/>.
/// </summary>
public sealed record ResourceFigure(string Property, long Value, string Gauge, params KeyValuePair<string, object?>[] Tags);
