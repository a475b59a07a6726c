using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// The form to paste the token into. It posts, so the token travels in the body (never in a URL, a
/// browser's history or a request log), with an antiforgery token so that no other site can submit it.
/// </summary>
internal static class LoginPage
{
    public static IResult Render(HttpContext context, string? returnUrl, string? error, int statusCode)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var antiforgeryField = $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(antiforgery.FormFieldName)}\" value=\"{WebUtility.HtmlEncode(antiforgery.RequestToken)}\">";
        var returnField = LocalReturnUrl.IsLocal(returnUrl) ? $"<input type=\"hidden\" name=\"returnUrl\" value=\"{WebUtility.HtmlEncode(returnUrl)}\">" : "";
        var errorBlock = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Log in · Trace Lab</title>
              <link rel="stylesheet" href="/css/login.css">
            </head>
            <body>
              <main>
                <h1>Trace Lab</h1>
                <p>Open the login link the AppHost printed, or paste its token (the value after <code>t=</code>).</p>
                {{errorBlock}}
                <form method="post" action="/login">
                  <label for="t">Token</label>
                  <input id="t" name="t" type="password" autocomplete="off" autofocus required>
                  {{antiforgeryField}}
                  {{returnField}}
                  <button type="submit">Log in</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
