namespace DistributedTracing.TraceLab.Telemetry;

/// <summary>Unix nanoseconds to the milliseconds the UI draws with (a double keeps microseconds exact).</summary>
public static class TelemetryTime
{
    public static double ToUnixMs(long unixNano) => unixNano / 1_000_000.0;

    public static double ToMs(long nanoseconds) => nanoseconds / 1_000_000.0;

    public static long ToUnixMicros(long unixNano) => unixNano / 1_000;
}
