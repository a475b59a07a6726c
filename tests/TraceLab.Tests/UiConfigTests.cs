using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>The settings the web UI reads: where Aspire's dashboard is, if anywhere.</summary>
public sealed class UiConfigTests
{
    private const string AspireDashboardUrl = "http://127.0.0.1:18888/";

    [Fact]
    public async Task Ui_config_names_the_aspire_dashboard_when_it_is_configured()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:AspireDashboardUrl"] = AspireDashboardUrl });

        var config = await server.Api.GetJsonAsync("/api/ui-config");
        Assert.Equal(AspireDashboardUrl, config["aspireDashboardUrl"].Str());
    }

    [Fact]
    public async Task Ui_config_has_no_aspire_dashboard_by_default()
    {
        await using var server = await TraceLabServer.StartAsync();

        var config = await server.Api.GetJsonAsync("/api/ui-config");
        Assert.True(config.AsObject().ContainsKey("aspireDashboardUrl"));
        Assert.Null(config["aspireDashboardUrl"]);
    }

    [Fact]
    public async Task Ui_config_needs_the_token()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:AspireDashboardUrl"] = AspireDashboardUrl });
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.FrontendUrl) };

        using var noToken = await anonymous.GetAsync("/api/ui-config");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.DoesNotContain(AspireDashboardUrl, await noToken.Content.ReadAsStringAsync());

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var wrongToken = await anonymous.GetAsync("/api/ui-config");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    [InlineData("not a url")]
    public async Task An_aspire_dashboard_url_that_is_not_http_stops_the_start(string url)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:AspireDashboardUrl"] = url }));
        Assert.Contains("TraceLab:AspireDashboardUrl", ex.Message);
    }

    [Fact]
    public async Task The_nav_bar_links_to_the_aspire_dashboard_in_a_new_tab_only_when_configured()
    {
        await using var linked = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:AspireDashboardUrl"] = AspireDashboardUrl });
        await using var alone = await TraceLabServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{linked.FrontendUrl}/login?t={TraceLabServer.Token}");
        await Assertions.Expect(page).ToHaveTitleAsync("Trace Lab");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        var link = nav.GetByRole(AriaRole.Link, new() { Name = "Aspire dashboard" });
        await Assertions.Expect(link).ToBeVisibleAsync();
        await Assertions.Expect(link).ToHaveAttributeAsync("href", AspireDashboardUrl);
        await Assertions.Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Assertions.Expect(link).ToHaveAttributeAsync("rel", "noopener");
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("nav-aspire-dashboard");

        // The page asks once; after its answer the link stays hidden.
        var answer = await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"{alone.FrontendUrl}/login?t={TraceLabServer.Token}"), "**/api/ui-config");
        Assert.Equal(200, answer.Status);
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Traces" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#aspire-dashboard")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_resources_page_is_gone()
    {
        await using var server = await TraceLabServer.StartAsync();

        using var page = await server.Api.GetAsync("/resources");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var api = await server.Api.GetAsync("/api/app-resources");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }
}
