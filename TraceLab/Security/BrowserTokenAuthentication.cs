using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Security;

/// <summary>
/// Two ways in: the cookie that <c>/login?t=</c> sets (browsers), or <c>Authorization: Bearer</c>
/// with the same token (scripts, Grafana's Jaeger data source). A policy scheme picks one per request.
/// </summary>
public static class BrowserTokenAuthentication
{
    public const string PolicyScheme = "BrowserToken";
    public const string BearerScheme = "BrowserTokenBearer";
    public const string CookieName = ".DistributedTracing.TraceLab";
    public const string AntiforgeryCookieName = ".DistributedTracing.TraceLab.Antiforgery";

    public static IServiceCollection AddBrowserTokenAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<BrowserToken>();
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, displayName: null, options =>
            {
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? BearerScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/login";
                options.ExpireTimeSpan = TimeSpan.FromDays(3);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context =>
                {
                    // Scripts get a status they can act on; people get the login page.
                    if (IsApiRequest(context.Request))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerScheme, configureOptions: null);
        services.AddAuthorization();

        // The login form's defence against cross-site posts (LoginEndpoints): a cookie like the session's.
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = AntiforgeryCookieName;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY on every response
        });
        return services;
    }

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/jaeger");

    public static ClaimsPrincipal CreatePrincipal(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "trace-lab-user")], scheme));

    private sealed class BearerTokenHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        BrowserToken token)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(token.Matches(header["Bearer ".Length..].Trim())
                ? AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(Scheme.Name), Scheme.Name))
                : AuthenticateResult.Fail("The bearer token does not match the Trace Lab's browser token."));
        }
    }
}
