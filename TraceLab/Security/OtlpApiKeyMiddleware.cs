using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Otlp.Transport;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// Checks <c>x-otlp-api-key</c> on both OTLP listeners before any body is read. OTLP/HTTP gets 401;
/// OTLP/gRPC gets status Unauthenticated, sent as a trailers-only gRPC response.
/// </summary>
public sealed class OtlpApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<TraceLabOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var role = context.GetEndpointRole();
        var otlp = options.CurrentValue.Otlp;
        if (role == EndpointRole.Frontend || otlp.AuthMode == OtlpAuthMode.Unsecured)
        {
            await next(context);
            return;
        }

        var presented = context.Request.Headers[OtlpOptions.ApiKeyHeaderName].ToString();
        if (SecretComparer.Matches(presented, otlp.PrimaryApiKey) || SecretComparer.Matches(presented, otlp.SecondaryApiKey))
        {
            await next(context);
            return;
        }

        var message = presented.Length == 0
            ? $"The {OtlpOptions.ApiKeyHeaderName} header is missing."
            : $"The {OtlpOptions.ApiKeyHeaderName} header does not match the Trace Lab's OTLP API key.";

        if (role == EndpointRole.OtlpGrpc)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)StatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }

        await OtlpHttpResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, StatusCode.Unauthenticated, message);
    }
}
