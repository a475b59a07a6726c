namespace DistributedTracing.Hosting.Processes;

/// <summary>Signals for tools and tests: what a terminal's Ctrl+C sends.</summary>
public static class ProcessSignals
{
    public static bool Interrupt(int processId) => NativeSignals.Signal(processId, NativeSignals.SigInt);
}
