using System.Net;
using System.Text.RegularExpressions;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// Logging in with the link and with the form: the token never reaches a log, the form posts and only
/// from the Lab's own page, and whatever the return URL, the answer is a redirect to a path on this site.
/// </summary>
public sealed partial class LoginTests : IAsyncLifetime
{
    private const string WrongGuess = "wrong-guess-0f9e8d7c6b5a";

    private TraceLabServer _server = null!;

    public async Task InitializeAsync() => _server = await TraceLabServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task No_log_carries_the_token_after_logins_by_link_and_by_form_right_and_wrong()
    {
        var logs = new CapturedLogs();
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            // Everything a user could turn up, generally and for one provider (a provider's own levels outrank
            // general rules): the request log still keeps the login link's URL out.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            [$"Logging:{typeof(CapturedLogs).FullName}:LogLevel:Default"] = "Trace",
        }, logs);

        using (var browser = new LoginBrowser(server))
        {
            using var wrongLink = await browser.Client.GetAsync($"/login?t={WrongGuess}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrongLink.StatusCode);
            using var link = await browser.Client.GetAsync($"/login?t={TraceLabServer.Token}&returnUrl=%2Flogs");
            Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        }

        using (var browser = new LoginBrowser(server))
        {
            using var wrongForm = await browser.PostFormAsync(WrongGuess, returnUrl: "/logs");
            Assert.Equal(HttpStatusCode.Unauthorized, wrongForm.StatusCode);
            using var form = await browser.PostFormAsync(TraceLabServer.Token, returnUrl: "/logs");
            Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
            Assert.Equal("/logs", form.Headers.Location!.OriginalString);
        }

        var entries = logs.Entries;
        // The logs were captured at every level (routing's debug lines among them), and the refusals logged.
        Assert.Contains(entries, e => e.StartsWith("Debug Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
        Assert.Equal(2, entries.Count(e => e.Contains("login to the Trace Lab from 127.0.0.1 was refused", StringComparison.Ordinal)));
        var leaks = entries.Where(e => e.Contains(TraceLabServer.Token, StringComparison.Ordinal) || e.Contains(WrongGuess, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "a token in the logs:\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task The_form_posts_the_token_with_an_antiforgery_token_and_without_one_is_refused()
    {
        using var browser = new LoginBrowser(_server);
        var page = await browser.Client.GetStringAsync("/login?returnUrl=%2Ftraces");
        Assert.Matches("<form method=\"post\" action=\"/login\">", page);

        // A form on another site can send the token field, but not the antiforgery pair.
        using var forged = await browser.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["t"] = TraceLabServer.Token,
            ["returnUrl"] = "/traces",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("This form has expired", await forged.Content.ReadAsStringAsync());
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == Security.BrowserTokenAuthentication.CookieName);

        using var posted = await browser.PostFormAsync(TraceLabServer.Token, returnUrl: "/traces");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/traces", posted.Headers.Location!.OriginalString);
        using var api = await browser.Client.GetAsync("/api/traces");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);

        using var json = await browser.Client.PostAsync("/login", new StringContent($"{{\"t\":\"{TraceLabServer.Token}\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Theory]
    [InlineData("/%C3%A9", "/%C3%A9")] // "/é": once a 500, from the header refusing non-ASCII
    [InlineData("/traces?service=caf%C3%A9", "/traces?service=caf%C3%A9")]
    [InlineData("/%E3%80%80/evil.example", "/%E3%80%80/evil.example")] // an ideographic space: still a path here
    [InlineData("/%EF%BC%8F%EF%BC%8Fevil.example", "/%EF%BC%8F%EF%BC%8Fevil.example")] // fullwidth solidi, likewise
    [InlineData("/%09/evil.example", "/")] // browsers drop the tab: //evil.example
    [InlineData("%2F%2Fevil.example", "/")]
    public async Task Any_return_url_gives_a_redirect_to_a_path_on_this_site(string escapedReturnUrl, string expectedLocation)
    {
        using var byLink = new LoginBrowser(_server);
        using var link = await byLink.Client.GetAsync($"/login?t={TraceLabServer.Token}&returnUrl={escapedReturnUrl}");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.Equal(expectedLocation, link.Headers.Location!.OriginalString);

        using var byForm = new LoginBrowser(_server);
        using var form = await byForm.PostFormAsync(TraceLabServer.Token, Uri.UnescapeDataString(escapedReturnUrl));
        Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        Assert.Equal(expectedLocation, form.Headers.Location!.OriginalString);

        // The form page carries the return URL along (HTML-encoded), or none when it is not local.
        using var page = await byForm.Client.GetAsync($"/login?returnUrl={escapedReturnUrl}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/traces/0af7651916cd43dd8448eb211c80319c?spanId=b7ad6b7169203331", "/traces/0af7651916cd43dd8448eb211c80319c?spanId=b7ad6b7169203331")]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/\\ud800", "/%EF%BF%BD")] // a lone surrogate: UTF-8's replacement character
    [InlineData("/\\u0085/evil.example", "/")] // NEL, a control character
    [InlineData("//evil.example", "/")]
    [InlineData("/\\\\evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("", "/")]
    public void The_location_is_printable_ascii_and_local(string returnUrl, string expected)
    {
        // Written escaped: a lone surrogate does not survive xUnit's serialisation of theory data.
        var unescaped = Regex.Unescape(returnUrl);
        Assert.Equal(expected, Security.LocalReturnUrl.ForRedirect(unescaped));
        Assert.Equal("/", Security.LocalReturnUrl.ForRedirect("/" + new string('a', Security.LocalReturnUrl.MaxLength)));
    }

    /// <summary>A cookie-keeping client that follows no redirect and can fill in the login form.</summary>
    private sealed partial class LoginBrowser : IDisposable
    {
        private readonly HttpClientHandler _handler;

        public LoginBrowser(TraceLabServer server)
        {
            _handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
            Client = new HttpClient(_handler) { BaseAddress = new Uri(server.FrontendUrl) };
        }

        public HttpClient Client { get; }

        public CookieContainer Cookies => _handler.CookieContainer;

        /// <summary>Opens the form, then posts it as a browser would: the hidden antiforgery field included.</summary>
        public async Task<HttpResponseMessage> PostFormAsync(string token, string returnUrl)
        {
            var page = await Client.GetStringAsync("/login");
            var antiforgery = AntiforgeryField().Match(page);
            Assert.True(antiforgery.Success, "no antiforgery field in the login form");
            return await Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["t"] = token,
                ["returnUrl"] = returnUrl,
                [WebUtility.HtmlDecode(antiforgery.Groups["name"].Value)] = WebUtility.HtmlDecode(antiforgery.Groups["value"].Value),
            }));
        }

        public void Dispose()
        {
            Client.Dispose();
            _handler.Dispose();
        }

        [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\">")]
        private static partial Regex AntiforgeryField();
    }
}
