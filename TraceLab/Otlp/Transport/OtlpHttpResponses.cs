using DistributedTracing.TraceLab.Formats.OtlpJson;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Net.Http.Headers;

namespace DistributedTracing.TraceLab.Otlp.Transport;

/// <summary>
/// OTLP/HTTP answers in the encoding of the request: protobuf for protobuf, JSON for JSON. Errors carry
/// a google.rpc.Status body, as the OTLP specification asks, so exporters can log the reason.
/// </summary>
public static class OtlpHttpResponses
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";

    public static bool IsJson(HttpRequest request) => HasMediaType(request, JsonContentType);

    public static bool IsProtobuf(HttpRequest request) => HasMediaType(request, ProtobufContentType);

    /// <summary>
    /// The media type exactly (parameters such as charset allowed): a prefix match would take
    /// <c>application/jsonx</c> for JSON. Type names are case-insensitive (RFC 9110).
    /// </summary>
    public static bool HasMediaType(HttpRequest request, string mediaType) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) &&
        parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);

    public static Task WriteMessageAsync(HttpContext context, IMessage message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return WriteBodyAsync(context, message);
    }

    public static Task WriteErrorAsync(HttpContext context, int httpStatus, StatusCode grpcStatus, string message)
    {
        context.Response.StatusCode = httpStatus;
        return WriteBodyAsync(context, new Google.Rpc.Status { Code = (int)grpcStatus, Message = message });
    }

    private static async Task WriteBodyAsync(HttpContext context, IMessage message)
    {
        if (IsJson(context.Request))
        {
            context.Response.ContentType = JsonContentType;
            await context.Response.WriteAsync(OtlpJson.Format(message));
        }
        else
        {
            context.Response.ContentType = ProtobufContentType;
            await context.Response.Body.WriteAsync(message.ToByteArray());
        }
    }
}
