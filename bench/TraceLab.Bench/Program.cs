using System.Globalization;
using DistributedTracing.TraceLab.Bench;

// dotnet run -c Release --project bench/TraceLab.Bench -- [all|ingest|memory|ui] [seconds]
var mode = args.Length > 0 ? args[0] : "all";
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
const int spansPerRequest = 512, attributesPerSpan = 10, inFlight = 8;

if (mode is "all" or "ingest")
{
    Console.WriteLine($"Pre-encoding exports: {spansPerRequest} spans of {attributesPerSpan} attributes each...");
    var bodies = ExportRequests.Create(requestCount: 256, spansPerRequest, spansPerTrace: 8, attributesPerSpan);
    Console.WriteLine($"  {bodies.Length} bodies, {bodies.Average(b => b.Length) / 1024:F0} KiB each");

    foreach (var protocol in new[] { "grpc", "http/protobuf" })
    {
        var rate = await IngestBenchmark.RunAsync(protocol, bodies, spansPerRequest, TimeSpan.FromSeconds(seconds), inFlight);
        Console.WriteLine($"ingest {protocol,-14} {rate,10:N0} spans/s  ({inFlight} requests in flight, {seconds} s; goal >= 100,000)");
    }
}

if (mode is "all" or "memory")
{
    var memory = await MemoryBenchmark.RunAsync(maxTraceCount: 10_000, spansPerTrace: 10, attributesPerSpan);
    Console.WriteLine($"memory: {memory.RetainedSpans:N0} spans retained, resident set {memory.BaselineBytes / 1048576.0:F0} MiB -> {memory.FilledBytes / 1048576.0:F0} MiB, " +
        $"{memory.BytesPerSpan:N0} bytes per span (goal <= 1,536); the span budget was charged {memory.EstimatedBytesPerSpan:N0} bytes per span (goal >= the resident figure)");
}

if (mode is "all" or "ui")
{
    await UiBenchmark.RunAsync();
}
