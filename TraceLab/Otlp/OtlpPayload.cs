using System.Buffers;

namespace DistributedTracing.TraceLab.Otlp;

/// <summary>
/// An export body in one pooled array: bodies are often hundreds of KiB, and a fresh array each time
/// would land on the large object heap and cost a full collection now and then.
/// </summary>
public sealed class OtlpPayload : IDisposable
{
    private byte[] _buffer;

    private OtlpPayload(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static OtlpPayload Create(int capacity = 0) => new(capacity);

    public static OtlpPayload CopyOf(ReadOnlySequence<byte> sequence)
    {
        var payload = new OtlpPayload((int)sequence.Length);
        sequence.CopyTo(payload._buffer);
        payload.Length = (int)sequence.Length;
        return payload;
    }

    /// <summary>Room to write at least <paramref name="sizeHint"/> more bytes; call <see cref="Advance"/> after.</summary>
    public Memory<byte> GetMemory(int sizeHint)
    {
        if (_buffer.Length - Length < sizeHint)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + sizeHint));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
