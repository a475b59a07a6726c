using DistributedTracing.TraceLab.Otlp.Transport;

namespace DistributedTracing.TraceLab.Forwarding;

/// <summary>One accepted export waiting to be forwarded: its signal and a pooled copy of its protobuf bytes.</summary>
public sealed record QueuedExport(OtlpSignal Signal, OtlpPayload Body);
