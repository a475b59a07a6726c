namespace DistributedTracing.TraceLab.Tests;

public static class BrowserLogin
{
    /// <summary>A fresh Chromium logged in to <paramref name="server"/> (the token link), on <paramref name="returnUrl"/>.</summary>
    public static async Task<Browser> OpenAsync(TraceLabServer server, string returnUrl)
    {
        var browser = await Browser.LaunchAsync();
        try
        {
            await browser.Page.GotoAsync($"{server.FrontendUrl}/login?t={TraceLabServer.Token}&returnUrl={Uri.EscapeDataString(returnUrl)}");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }
}
