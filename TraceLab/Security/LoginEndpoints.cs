using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// <c>/login?t=TOKEN</c> (the link the AppHost prints) sets the session cookie and goes on to a local
/// page; <c>/login</c> alone shows a form to paste the token; <c>/logout</c> ends the session.
/// </summary>
public static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", async (HttpContext context, BrowserToken token, string? t, string? returnUrl) =>
        {
            if (t is null)
            {
                return LoginPage(returnUrl, error: null, StatusCodes.Status200OK);
            }

            if (!token.Matches(t.Trim()))
            {
                return LoginPage(returnUrl, "That token is not this Trace Lab's. Copy the login link the AppHost printed, or its t= value.", StatusCodes.Status401Unauthorized);
            }

            await context.SignInAsync(
                CookieAuthenticationDefaults.AuthenticationScheme,
                BrowserTokenAuthentication.CreatePrincipal(CookieAuthenticationDefaults.AuthenticationScheme),
                new AuthenticationProperties { IsPersistent = true });
            return TypedResults.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
        });

        endpoints.MapGet("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect("/login");
        });

        return endpoints;
    }

    /// <summary>Only paths on this site: no scheme, no host, no protocol-relative "//" or "/\" tricks.</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) &&
        url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) &&
        !url.Contains("://", StringComparison.Ordinal) &&
        !url.Any(char.IsControl);

    private static IResult LoginPage(string? returnUrl, string? error, int statusCode)
    {
        var returnField = IsLocalUrl(returnUrl) ? $"<input type=\"hidden\" name=\"returnUrl\" value=\"{WebUtility.HtmlEncode(returnUrl)}\">" : "";
        var errorBlock = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Log in · Trace Lab</title>
              <style>
                :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
                main { max-width: 32rem; margin: 10vh auto; padding: 0 1rem; }
                input[type=password] { width: 100%; padding: .5rem; font: inherit; box-sizing: border-box; }
                button { margin-top: .75rem; padding: .5rem 1.25rem; font: inherit; }
                .error { color: #c62828; }
              </style>
            </head>
            <body>
              <main>
                <h1>Trace Lab</h1>
                <p>Open the login link the AppHost printed, or paste its token (the value after <code>t=</code>).</p>
                {{errorBlock}}
                <form method="get" action="/login">
                  <label for="t">Token</label>
                  <input id="t" name="t" type="password" autocomplete="off" autofocus required>
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
