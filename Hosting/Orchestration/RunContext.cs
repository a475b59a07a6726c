using DistributedTracing.Hosting.Processes;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>What a runner needs from the run: its folder, the app model, and where to write output.</summary>
public sealed class RunContext(RunDirectory runDirectory, DistributedApplicationBuilder builder, OutputLog output)
{
    public RunDirectory RunDirectory { get; } = runDirectory;

    public DistributedApplicationBuilder Builder { get; } = builder;

    public OutputLog Output { get; } = output;
}
