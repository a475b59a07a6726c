using DistributedTracing.TraceLab.Configuration;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// What a browser may do with the Trace Lab's responses: run only the Lab's own files (no inline script or
/// style, so injected markup stays inert), never show a page inside another site's frame, never guess a
/// content type, and never tell another site which page, trace or token a link was followed from.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything from this origin only; no &lt;base&gt;, no plugins, forms post only here, no framing.
    /// The UI keeps to it: scripts and styles are files, and styles set from script go through the CSSOM
    /// (<c>element.style</c>), which the policy allows, not through <c>style</c> attributes, which it blocks.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>First in the pipeline, so static files, the login page, APIs and error responses all get them.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Added as the response starts, after anything that cleared the headers while building it.
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            Add(context.Response.Headers, context.GetEndpointRole());
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static void Add(IHeaderDictionary headers, EndpointRole role)
    {
        headers.XContentTypeOptions = "nosniff";
        if (role != EndpointRole.Frontend)
        {
            return; // the OTLP listeners answer SDKs, not browsers
        }

        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY"; // frame-ancestors for browsers that predate it
        headers["Referrer-Policy"] = "no-referrer";
    }
}
