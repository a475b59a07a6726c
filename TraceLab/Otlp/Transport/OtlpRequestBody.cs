using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>
/// Reads an OTLP/HTTP body: plain or gzip (the Collector compresses by default), never more than the
/// configured limit after decompression, so a small compressed body cannot blow up in memory.
/// </summary>
public static class OtlpRequestBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, int limit, Func<ReadOnlySequence<byte>, T> parse, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return await ReadPlainAsync(request, limit, parse, cancellationToken);
        }

        if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            throw new OtlpBodyException(StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
        }

        await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
        using var payload = OtlpPayload.Create(64 * 1024);
        int read;
        while ((read = await ReadCompressedAsync(gzip, payload.GetMemory(64 * 1024), cancellationToken)) > 0)
        {
            payload.Advance(read);
            if (payload.Length > limit)
            {
                throw TooLarge(limit);
            }
        }

        return parse(new ReadOnlySequence<byte>(payload.Memory));
    }

    private static async Task<int> ReadCompressedAsync(Stream gzip, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            return await gzip.ReadAsync(destination, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new OtlpBodyException(StatusCodes.Status400BadRequest, $"the body is not valid gzip: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new OtlpBodyException(StatusCodes.Status413PayloadTooLarge, "the compressed body is larger than TraceLab:Otlp:MaxRequestBodySize.");
        }
    }

    private static async Task<T> ReadPlainAsync<T>(HttpRequest request, int limit, Func<ReadOnlySequence<byte>, T> parse, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw TooLarge(limit);
            }

            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(limit);
            }

            if (result.IsCompleted)
            {
                try
                {
                    return parse(buffer);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static OtlpBodyException TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the body is larger than TraceLab:Otlp:MaxRequestBodySize ({limit} bytes after decompression).");
}

/// <summary>A body the Trace Lab will not read, with the HTTP status that says why.</summary>
public sealed class OtlpBodyException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
