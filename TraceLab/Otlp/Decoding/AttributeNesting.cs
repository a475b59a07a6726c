namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>
/// How deep an attribute value (or a log body) may nest arrays and maps and still be stored as it came.
/// OTLP sets no limit, but every reader does: protobuf stops at 100 nested messages (a map level costs
/// three), System.Text.Json at 64 levels by default and the Trace Lab's own JSON reader at
/// <see cref="Formats.StrictJson.MaxDepth"/> (a map level costs four in OTLP JSON). Sixteen levels fit all of
/// them with room to spare, so whatever ingest keeps can be shown, downloaded and imported again.
/// </summary>
public static class AttributeNesting
{
    /// <summary>Arrays and maps inside one another, counting the outermost; deeper ones are kept as JSON text.</summary>
    public const int MaxDepth = 16;
}
