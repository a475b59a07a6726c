using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Where forwarding goes (or not), what stops the start, and who may read its counts.</summary>
public sealed class ForwardingConfigurationTests
{
    private const string Secret = "s3cret-aspire-key";

    private static readonly Regex Highlighted = new(@"\balert\b");

    [Fact]
    public async Task Without_an_endpoint_nothing_is_forwarded_and_the_status_says_so()
    {
        await using var lab = await TraceLabServer.StartAsync();

        var status = await lab.Api.GetJsonAsync("/api/forwarding");
        Assert.False((bool)status["enabled"]!);
        Assert.Null(status["endpoint"]);
        Assert.Equal(0, (long)status["forwarded"]! + (long)status["dropped"]! + (long)status["failed"]!);
    }

    [Fact]
    public async Task Enabled_false_overrides_the_otel_variables()
    {
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["TraceLab:Forwarding:Enabled"] = "false",
        });

        Assert.False((bool)(await lab.Api.GetJsonAsync("/api/forwarding"))["enabled"]!);
    }

    [Fact]
    public async Task The_endpoint_from_traceLab_settings_never_takes_the_otel_headers()
    {
        var endpoint = $"http://127.0.0.1:{TraceLabServer.FreePort()}";
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = endpoint,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json", // would stop the start, were it taken
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={Secret}",
        });

        var status = await lab.Api.GetJsonAsync("/api/forwarding");
        Assert.Equal(endpoint + "/", status["endpoint"].Str());
        Assert.Equal("grpc", status["protocol"].Str());
    }

    public static TheoryData<string, string, string, string> BadTargets => new()
    {
        // key, value, the setting the message must name, what it must say
        { "TraceLab:Forwarding:Protocol", "http/json", "TraceLab:Forwarding:Protocol", "'grpc' or 'http/protobuf'" },
        { "TraceLab:Forwarding:Endpoint", "localhost:18889", "TraceLab:Forwarding:Endpoint", "http:// or https:// URL" },
        { "TraceLab:Forwarding:Headers", $"x-otlp-api-key={Secret},no-equals-sign", "TraceLab:Forwarding:Headers", "pair 2" },
        { "TraceLab:Forwarding:Headers", $"x-otlp-api-key={Secret}%0D%0Ax-injected=1", "TraceLab:Forwarding:Headers", "printable ASCII" },
        { "TraceLab:Forwarding:MaxQueuedBytes", "0", "TraceLab:Forwarding:MaxQueuedBytes", "positive" },
        { "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL", "'grpc' or 'http/protobuf'" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public async Task A_bad_target_stops_the_start_with_the_setting_named_and_no_secret_shown(string key, string value, string setting, string reason)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = "http://127.0.0.1:18889",
            ["TraceLab:Forwarding:Headers"] = $"x-otlp-api-key={Secret}",
        };
        if (key.StartsWith("OTEL_", StringComparison.Ordinal))
        {
            settings.Remove("TraceLab:Forwarding:Endpoint");
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:18889";
            settings["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={Secret}";
        }

        settings[key] = value;
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TraceLabServer.StartAsync(settings));
        Assert.Contains(setting, ex.Message);
        Assert.Contains(reason, ex.Message);
        Assert.DoesNotContain(Secret, ex.Message);
    }

    [Fact]
    public async Task Forwarding_to_its_own_listener_stops_the_start()
    {
        var own = $"http://127.0.0.1:{TraceLabServer.FreePort()}";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Otlp:GrpcEndpointUrl"] = own,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = own.Replace("127.0.0.1", "localhost"),
        }));
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", ex.Message);
        Assert.Contains("own OTLP listener", ex.Message);
    }

    [Fact]
    public async Task The_status_needs_the_token()
    {
        await using var lab = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}",
        });
        using var anonymous = new HttpClient { BaseAddress = new Uri(lab.FrontendUrl) };

        using var response = await anonymous.GetAsync("/api/forwarding");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("forwarded", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_header_shows_the_counts_with_drops_highlighted_and_nothing_when_off()
    {
        await using var forwarding = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Forwarding:Endpoint"] = $"http://127.0.0.1:{TraceLabServer.FreePort()}", // dead: exports fail or are dropped
            ["TraceLab:Forwarding:MaxQueuedRequests"] = "1",
        });
        await using var alone = await TraceLabServer.StartAsync();
        CheckoutScenario.Run(forwarding, OpenTelemetry.Exporter.OtlpExportProtocol.Grpc);
        await forwarding.Api.WaitForJsonAsync("/api/forwarding", s => (long)s["dropped"]! > 0 && (long)s["failed"]! > 0);
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync($"{forwarding.FrontendUrl}/login?t={TraceLabServer.Token}");
        var badge = page.Locator("header #forwarding");
        await Assertions.Expect(badge).ToBeVisibleAsync();
        await Assertions.Expect(badge).ToHaveTextAsync(new Regex(@"^Forwarding to Aspire: 0 sent, [1-9][\d,]* dropped, [1-9][\d,]* failed$"));
        await Assertions.Expect(badge.Locator("[data-count=dropped]")).ToHaveClassAsync(Highlighted);
        await Assertions.Expect(badge.Locator("[data-count=failed]")).ToHaveClassAsync(Highlighted);
        await Assertions.Expect(badge.Locator("[data-count=sent]")).Not.ToHaveClassAsync(Highlighted);
        await browser.ScreenshotAsync("forwarding-status");

        var answer = await page.RunAndWaitForResponseAsync(() => page.GotoAsync($"{alone.FrontendUrl}/login?t={TraceLabServer.Token}"), "**/api/forwarding");
        Assert.Equal(200, answer.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header #forwarding")).ToBeHiddenAsync();
    }
}
