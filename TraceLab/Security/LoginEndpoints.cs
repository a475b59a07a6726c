using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// <c>GET /login?t=TOKEN</c> (the link the AppHost prints) sets the session cookie and goes on to a local
/// page; <c>/login</c> alone shows a form to paste the token, which posts it; <c>/logout</c> ends the session.
/// Nothing here logs the token: the request log that would print the link's URL is kept below
/// Information (see <c>AddTraceLab</c>), and a refused login is logged without what was presented.
/// </summary>
public static partial class LoginEndpoints
{
    /// <summary>The form holds a token, an antiforgery token and a return URL: a few kilobytes at most.</summary>
    private const int MaxFormBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", async (HttpContext context, BrowserToken token, ILoggerFactory loggers, string? t, string? returnUrl) =>
            t is null
                ? LoginPage.Render(context, returnUrl, error: null, StatusCodes.Status200OK)
                : await SignInAsync(context, token, loggers, t, returnUrl));

        endpoints.MapPost("/login", (HttpContext context, BrowserToken token, IAntiforgery antiforgery, ILoggerFactory loggers) =>
            SubmitFormAsync(context, token, antiforgery, loggers))
            .WithMetadata(new RequestSizeLimitAttribute(MaxFormBytes));

        endpoints.MapGet("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect("/login");
        });

        return endpoints;
    }

    private static async Task<IResult> SubmitFormAsync(HttpContext context, BrowserToken token, IAntiforgery antiforgery, ILoggerFactory loggers)
    {
        if (!context.Request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: "Post the login form: application/x-www-form-urlencoded with the token in t.");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            return TypedResults.Problem(statusCode: status, detail: "The login form could not be read.");
        }

        var returnUrl = form["returnUrl"].ToString();
        // The cookie half of the antiforgery pair is SameSite=Strict and the form half is written only into
        // our own page: a form on another site has neither, so it cannot post here in the user's name.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginPage.Render(context, returnUrl, "This form has expired (or came from another page). Paste the token again.", StatusCodes.Status400BadRequest);
        }

        return await SignInAsync(context, token, loggers, form["t"].ToString(), returnUrl);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, BrowserToken token, ILoggerFactory loggers, string presented, string? returnUrl)
    {
        if (!token.Matches(presented.Trim()))
        {
            LogRefused(loggers.CreateLogger(typeof(LoginEndpoints)), context.Connection.RemoteIpAddress);
            return LoginPage.Render(context, returnUrl, "That token is not this Trace Lab's. Copy the login link the AppHost printed, or its t= value.", StatusCodes.Status401Unauthorized);
        }

        // Signing in on the login path, the cookie handler redirects by itself, to the query's ReturnUrl
        // unless told where: told, so that it too sends only the checked and encoded one.
        var location = LocalReturnUrl.ForRedirect(returnUrl);
        await context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            BrowserTokenAuthentication.CreatePrincipal(CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IsPersistent = true, RedirectUri = location });
        return TypedResults.Redirect(location);
    }

    // Who tried, never what they tried: a wrong guess is often the right token mistyped.
    [LoggerMessage(Level = LogLevel.Warning, Message = "A login to the Trace Lab from {RemoteAddress} was refused: the token does not match")]
    private static partial void LogRefused(ILogger logger, IPAddress? remoteAddress);
}
