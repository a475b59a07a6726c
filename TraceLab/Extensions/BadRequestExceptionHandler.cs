using DistributedTracing.TraceLab.Api.Jaeger;
using Microsoft.AspNetCore.Diagnostics;

namespace DistributedTracing.TraceLab.Extensions;

/// <summary>
/// A query parameter that does not bind (<c>limit=abc</c>, <c>limit=99999999999</c>, <c>errorsOnly=maybe</c>)
/// would get a bare 400; with <see cref="RouteHandlerOptions.ThrowOnBadRequest"/> on, the framework throws
/// instead, and this turns its message ("Failed to bind parameter …") into the body: Jaeger's envelope
/// under /jaeger, problem details elsewhere.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        context.Response.StatusCode = badRequest.StatusCode;
        if (context.Request.Path.StartsWithSegments("/jaeger"))
        {
            await JaegerApi.Error(badRequest.StatusCode, badRequest.Message).ExecuteAsync(context);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode, Detail = badRequest.Message },
        });
    }
}
