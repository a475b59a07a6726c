namespace DistributedTracing.Hosting.Processes;

/// <summary>A resource's console output: the last lines kept for errors and the resources page, and a live feed.</summary>
public sealed class OutputLog(int capacity = 1000)
{
    private readonly Queue<OutputLine> _lines = new();
    private readonly Lock _lock = new();
    private long _sequence;

    public event Action<OutputLine>? LineWritten;

    public void Write(string text, bool isError)
    {
        OutputLine line;
        lock (_lock)
        {
            line = new OutputLine(++_sequence, DateTimeOffset.UtcNow, text, isError);
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }

        LineWritten?.Invoke(line);
    }

    public IReadOnlyList<OutputLine> Snapshot(long afterSequence = 0)
    {
        lock (_lock)
        {
            return [.. _lines.Where(l => l.Sequence > afterSequence)];
        }
    }

    public string Tail(int count)
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - count)).Select(l => "    " + l.Text));
        }
    }
}

public sealed record OutputLine(long Sequence, DateTimeOffset Time, string Text, bool IsError);
