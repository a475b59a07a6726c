using System.Buffers;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>
/// An export body in one pooled array: bodies are often hundreds of KiB, and a fresh array each time
/// would land on the large object heap and cost a full collection now and then. The pool is the Trace Lab's
/// own and keeps only arrays up to 1 MiB, a few of each size (about 16 MiB at most): a larger body, such as
/// a gzip body inflating to megabytes, gets an array of its own that the GC returns to the system, rather
/// than one the shared pool would keep for the life of the process.
/// </summary>
public sealed class OtlpPayload : IDisposable
{
    private const int MaxPooledLength = 1024 * 1024;

    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(MaxPooledLength, maxArraysPerBucket: 8);

    private byte[] _buffer;

    private OtlpPayload(int capacity) => _buffer = Pool.Rent(Math.Max(capacity, 256));

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
            var larger = Pool.Rent(Math.Max(_buffer.Length * 2, Length + sizeHint));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            Pool.Return(_buffer);
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
            Pool.Return(buffer);
        }
    }
}
