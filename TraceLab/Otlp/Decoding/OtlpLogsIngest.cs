using DistributedTracing.TraceLab.Telemetry;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace DistributedTracing.TraceLab.Otlp.Decoding;

/// <summary>Validates and converts an OTLP logs export, then stores it in one batch.</summary>
public sealed class OtlpLogsIngest(TelemetryStore store, OtlpAttributeConverter converter)
{
    public OtlpIngestResult Ingest(ExportLogsServiceRequest request)
    {
        var logs = new List<LogEntry>();
        var rejections = new RejectionCounter();

        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = converter.ResolveResource(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = converter.ResolveScope(scopeLogs.Scope);
                foreach (var log in scopeLogs.LogRecords)
                {
                    if (TryConvert(log, resource, scope, out var entry, out var error))
                    {
                        logs.Add(entry);
                    }
                    else
                    {
                        rejections.Reject("log record", error);
                    }
                }
            }
        }

        if (logs.Count > 0)
        {
            store.AddLogs(logs);
        }

        return new OtlpIngestResult(logs.Count, rejections.Count, rejections.FirstError);
    }

    private bool TryConvert(LogRecord log, TelemetryResource resource, InstrumentationScopeInfo scope, out LogEntry entry, out string error)
    {
        entry = null!;
        TraceId? traceId = null;
        if (log.TraceId.Length > 0)
        {
            if (!OtlpValidation.TryReadTraceId(log.TraceId, out var id, out var problem))
            {
                error = problem!;
                return false;
            }

            traceId = id;
        }

        if (!OtlpValidation.TryReadSpanId(log.SpanId, optional: true, out var spanId, out var spanProblem))
        {
            error = spanProblem!;
            return false;
        }

        // The data model lets a record carry only the time it was observed.
        var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
        if (time == 0)
        {
            time = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        }

        if (OtlpValidation.CheckTimestamp(time, "time") is { } timeError)
        {
            error = timeError;
            return false;
        }

        entry = new LogEntry
        {
            TimeUnixNano = (long)time,
            SeverityNumber = Math.Clamp((int)log.SeverityNumber, 0, 24),
            SeverityText = string.IsNullOrEmpty(log.SeverityText) ? null : converter.Truncate(log.SeverityText),
            Body = log.Body is null ? "" : TelemetryAttribute.FormatValue(converter.ConvertValue(log.Body)),
            Attributes = converter.Convert(log.Attributes),
            TraceId = traceId,
            SpanId = spanId,
            EventName = string.IsNullOrEmpty(log.EventName) ? null : converter.Truncate(log.EventName),
            Resource = resource,
            Scope = scope,
        };
        error = "";
        return true;
    }
}
