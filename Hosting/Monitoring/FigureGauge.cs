namespace DistributedTracing.Hosting.Monitoring;

/// <summary>A gauge the AppHost exports for a monitored resource; its points are the figures that name it.</summary>
public sealed record FigureGauge(string Name, string Unit, string Description);
