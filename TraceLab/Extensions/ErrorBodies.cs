using DistributedTracing.TraceLab.Api.Jaeger;
using Microsoft.AspNetCore.Diagnostics;

namespace DistributedTracing.TraceLab.Extensions;

/// <summary>
/// Bodies for errors that carry none (401 from authentication, 404 for unknown routes): Jaeger's envelope
/// under /jaeger, problem details elsewhere.
/// </summary>
internal static class ErrorBodies
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status401Unauthorized => "Log in first: open the Trace Lab's login link, or send Authorization: Bearer <token>.",
            StatusCodes.Status404NotFound => $"Nothing is at {http.Request.Path} here.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
            _ => null,
        };

        if (http.Request.Path.StartsWithSegments("/jaeger"))
        {
            await JaegerApi.Error(status, detail ?? "request failed").ExecuteAsync(http);
            return;
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}
