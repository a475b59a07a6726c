using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace DistributedTracing.Gateway.Extensions;

/// <summary>
/// W3C Trace Context Level 2's <c>traceresponse</c> header on every response, errors included, so a caller
/// (curl, a browser, a test) learns which trace its request started. Neither ASP.NET Core nor
/// OpenTelemetry .NET sends it.
/// </summary>
public static class TraceResponseMiddleware
{
    public const string HeaderName = "traceresponse";

    public static IApplicationBuilder UseTraceResponse(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
            if (activity is not null && activity.IdFormat == ActivityIdFormat.W3C)
            {
                var flags = (activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
                context.Response.Headers[HeaderName] = $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{flags}";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
