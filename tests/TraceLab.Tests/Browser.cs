using Microsoft.Playwright;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser), one fresh context per test;
/// screenshots go to artifacts/screenshots for a person to look at. It notes every message in which
/// Chromium says it refused something under the page's Content-Security-Policy.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _cspViolations = [];

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        // Chromium reports each blocked script, style or frame on the console, "Applying inline style violates
        // the following Content Security Policy directive: ..." (older builds: "Refused to apply inline style").
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_cspViolations)
                {
                    _cspViolations.Add($"{message.Location}: {message.Text}");
                }
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ContentSecurityPolicyViolations
    {
        get
        {
            lock (_cspViolations)
            {
                return [.. _cspViolations];
            }
        }
    }

    public static string ScreenshotFolder
    {
        get
        {
            var root = AppContext.BaseDirectory;
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                if (dir.GetFiles("*.sln").Length > 0)
                {
                    return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName;
                }
            }

            return Directory.CreateDirectory(Path.Combine(root, "screenshots")).FullName;
        }
    }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // The machine's network is closed: no background connections, no component updates.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return new Browser(playwright, browser, page);
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png") });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
