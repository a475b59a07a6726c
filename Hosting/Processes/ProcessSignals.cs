namespace DistributedTracing.Hosting.Processes;

/// <summary>Signals for tools and tests: what a terminal's Ctrl+C sends.</summary>
public static class ProcessSignals
{
    public static bool Interrupt(int processId) => NativeSignals.Signal(processId, NativeSignals.SigInt);

    /// <summary>Alive and not a zombie.</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
