using DistributedTracing.TraceLab.Telemetry.Memory;

namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>
/// The process that sent telemetry (OpenTelemetry's Resource), keyed by service.name plus
/// service.instance.id, so two replicas of one service stay apart.
/// </summary>
public sealed class TelemetryResource(string serviceName, string? instanceId, TelemetryAttribute[] attributes)
{
    public string ServiceName { get; } = serviceName;

    public string? InstanceId { get; } = instanceId;

    /// <summary>A stable id for URLs: the service name, plus the instance id when there is one.</summary>
    public string Id { get; } = instanceId is null ? serviceName : $"{serviceName}:{instanceId}";

    /// <summary>Attributes of the first export; later exports from the same process carry the same ones.</summary>
    public TelemetryAttribute[] Attributes { get; } = attributes;

    public DateTimeOffset FirstSeen { get; } = DateTimeOffset.UtcNow;

    /// <summary>Set once the store keeps metrics for it, so evicting a resource that never sent any costs no lock.</summary>
    internal bool HasMetrics { get; set; }

    /// <summary>What this resource keeps alive, for the budgets of whatever refers to it.</summary>
    public long EstimatedBytes => field > 0 ? field : field = TelemetrySize.Of(this);
}

/// <summary>The library that produced the data: an ActivitySource, Meter or logger category's provider.</summary>
public sealed record InstrumentationScopeInfo(string Name, string Version);
