using System.Net;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Every frontend response tells the browser to run only the Lab's own files, in no one's frame.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private TraceLabServer _server = null!;

    public async Task InitializeAsync() => _server = await TraceLabServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/traces", HttpStatusCode.OK)] // a page
    [InlineData("/login", HttpStatusCode.OK)]
    [InlineData("/login?t=wrong", HttpStatusCode.Unauthorized)]
    [InlineData("/api/traces", HttpStatusCode.OK)]
    [InlineData("/jaeger/api/services", HttpStatusCode.OK)]
    [InlineData("/css/app.css", HttpStatusCode.OK)] // a static file
    [InlineData("/js/app.js", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/api/traces/not-a-trace-id", HttpStatusCode.BadRequest)]
    public async Task Frontend_responses_carry_the_security_headers(string path, HttpStatusCode expected)
    {
        using var response = await _server.Api.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        AssertFrontendHeaders(response);
    }

    [Fact]
    public async Task Anonymous_answers_carry_them_too()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var anonymous = new HttpClient(handler) { BaseAddress = new Uri(_server.FrontendUrl) };
        using var api = await anonymous.GetAsync("/api/traces");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        AssertFrontendHeaders(api);
        using var page = await anonymous.GetAsync("/traces");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        AssertFrontendHeaders(page);
    }

    [Fact]
    public async Task Otlp_http_answers_are_nosniff()
    {
        using var accepted = await _server.Otlp.PostAsync("/v1/traces", OtlpRequests.Protobuf(new OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest()));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("nosniff", Assert.Single(accepted.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(accepted.Headers.Contains("Content-Security-Policy"));
    }

    private static void AssertFrontendHeaders(HttpResponseMessage response)
    {
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }
}
