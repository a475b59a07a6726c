using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace DistributedTracing.TraceLab.Tests;

/// <summary>Every wrong or missing key or token is turned away; the right ones pass.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private TraceLabServer _server = null!;

    public async Task InitializeAsync() => _server = await TraceLabServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData(TraceLabServer.ApiKey + "x", HttpStatusCode.Unauthorized)]
    [InlineData(TraceLabServer.ApiKey, HttpStatusCode.OK)]
    [InlineData(TraceLabServer.SecondaryApiKey, HttpStatusCode.OK)]
    public async Task Otlp_http_checks_the_api_key(string? key, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = new Uri(_server.OtlpHttpUrl) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-otlp-api-key", key);
        }

        var traceId = OtlpRequests.NewTraceId();
        using var response = await client.PostAsync("/v1/traces", OtlpRequests.Protobuf(
            OtlpRequests.Traces("svc", OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), null, "op"))));
        Assert.Equal(expected, response.StatusCode);

        var stored = _server.Store.GetTrace(Telemetry.TraceId.FromBytes(traceId)) is not null;
        Assert.Equal(expected == HttpStatusCode.OK, stored);
        if (expected == HttpStatusCode.Unauthorized)
        {
            var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((int)StatusCode.Unauthenticated, status.Code);
            Assert.Contains("x-otlp-api-key", status.Message);
        }
    }

    [Theory]
    [InlineData(null, StatusCode.Unauthenticated)]
    [InlineData("wrong-key", StatusCode.Unauthenticated)]
    [InlineData(TraceLabServer.ApiKey, StatusCode.OK)]
    [InlineData(TraceLabServer.SecondaryApiKey, StatusCode.OK)]
    public async Task Otlp_grpc_checks_the_api_key(string? key, StatusCode expected)
    {
        using var channel = _server.CreateGrpcChannel();
        var client = new TraceService.TraceServiceClient(channel);
        var headers = new Metadata();
        if (key is not null)
        {
            headers.Add("x-otlp-api-key", key);
        }

        var request = OtlpRequests.Traces("svc", OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "op"));
        var status = StatusCode.OK;
        try
        {
            await client.ExportAsync(request, headers);
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
        }

        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("/api/traces")]
    [InlineData("/api/logs")]
    [InlineData("/api/ui-config")]
    [InlineData("/jaeger/api/services")]
    public async Task Api_needs_the_token(string path)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_server.FrontendUrl) };
        using var noToken = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var wrongToken = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);

        using var rightToken = await _server.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, rightToken.StatusCode);
    }

    /// <summary>A value for each route parameter the API maps; a new parameter name gets "sample".</summary>
    private static readonly Dictionary<string, string> RouteSamples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["traceId"] = "0123456789abcdef0123456789abcdef",
        ["spanId"] = "0123456789abcdef",
        ["service"] = "svc",
    };

    [Fact]
    public async Task Every_api_and_jaeger_route_needs_the_token_for_every_method_it_maps()
    {
        // Every route the running Trace Lab maps, as ASP.NET Core's routing sees it: a route added tomorrow is checked too.
        var routes = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: e.RoutePattern, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]))
            .Where(r => r.Pattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/jaeger", StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Select(method => (Method: method, Path: Expand(r.Pattern))))
            .Distinct()
            .ToList();
        Assert.Contains(("GET", "/api/live"), routes);
        Assert.Contains(("POST", "/api/traces/import"), routes);
        Assert.Contains(("GET", "/jaeger/api/traces/0123456789abcdef0123456789abcdef"), routes);
        Assert.True(routes.Count >= 20, $"only {routes.Count} routes found: {string.Join(", ", routes)}");

        using var anonymous = new HttpClient { BaseAddress = new Uri(_server.FrontendUrl) };
        using var wrongToken = new HttpClient { BaseAddress = new Uri(_server.FrontendUrl) };
        wrongToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        var admitted = new List<string>();
        foreach (var (method, path) in routes)
        {
            foreach (var client in new[] { anonymous, wrongToken })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    admitted.Add($"{method} {path} ({(client == anonymous ? "no token" : "wrong token")}): {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(admitted);
    }

    private static string Expand(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => RouteSamples.GetValueOrDefault(parameter.Name, "sample"),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new NotSupportedException(part.ToString()),
        }))));

    [Fact]
    public async Task Otlp_bodies_too_large_or_inflating_past_the_limit_get_401_without_a_key_not_413()
    {
        // The key is checked before the body is read: a caller without one learns nothing about the limits.
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:MaxRequestBodySize"] = $"{256 * 1024}" });
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.OtlpHttpUrl) };
        var oversized = new ByteArrayContent(System.Security.Cryptography.RandomNumberGenerator.GetBytes(512 * 1024));
        oversized.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var bomb = new ByteArrayContent(OtlpRequests.Gzip(new byte[8 * 1024 * 1024])); // inflates to 32 times the limit
        bomb.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        bomb.Headers.ContentEncoding.Add("gzip");
        foreach (var (name, content) in new[] { ("oversized", oversized), ("gzip bomb", bomb) })
        {
            using var response = await anonymous.PostAsync("/v1/traces", content);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
        }

        // The same bodies with the key are the limit's (so the bodies above were over it).
        using var withKey = await server.Otlp.PostAsync("/v1/traces", new ByteArrayContent(await oversized.ReadAsByteArrayAsync()) { Headers = { ContentType = oversized.Headers.ContentType } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withKey.StatusCode);
        var keyedBomb = new ByteArrayContent(await bomb.ReadAsByteArrayAsync()) { Headers = { ContentType = bomb.Headers.ContentType } };
        keyedBomb.Headers.ContentEncoding.Add("gzip");
        using var bombWithKey = await server.Otlp.PostAsync("/v1/traces", keyedBomb);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bombWithKey.StatusCode);

        // gRPC: Unauthenticated, not ResourceExhausted, for a message over the limit sent plain or gzip-compressed.
        using var channel = server.CreateGrpcChannel();
        var client = new TraceService.TraceServiceClient(channel);
        var span = OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "big");
        span.Attributes.Add(OtlpRequests.Attribute("padding", new string('a', 4 * 1024 * 1024)));
        var big = OtlpRequests.Traces("svc", span);
        foreach (var (name, headers) in new[] { ("plain", new Metadata()), ("gzip", new Metadata { { "grpc-internal-encoding-request", "gzip" } }) })
        {
            var unauthenticated = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(big, headers).ResponseAsync);
            Assert.True(unauthenticated.StatusCode == StatusCode.Unauthenticated, $"{name}: {unauthenticated.Status}");
            headers.Add("x-otlp-api-key", TraceLabServer.ApiKey);
            var overLimit = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(big, headers).ResponseAsync);
            Assert.True(overLimit.StatusCode == StatusCode.ResourceExhausted, $"{name} with the key: {overLimit.Status}");
        }

        Assert.Equal(0, server.Store.TraceCount);
    }

    [Fact]
    public async Task Jaeger_routes_answer_401_in_jaegers_envelope()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_server.FrontendUrl) };
        using var response = await anonymous.GetAsync("/jaeger/api/services");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, (int)body["errors"]![0]!["code"]!);
    }

    [Fact]
    public async Task Pages_redirect_to_login_and_login_sets_a_strict_httponly_cookie()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(_server.FrontendUrl) };

        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery[..6]);

        using var wrong = await browser.GetAsync("/login?t=wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not this Trace Lab", await wrong.Content.ReadAsStringAsync());
        // No session: the only cookie is the login form's antiforgery half.
        Assert.DoesNotContain(handler.CookieContainer.GetCookies(new Uri(_server.FrontendUrl)), c => c.Name == Security.BrowserTokenAuthentication.CookieName);

        using var form = await browser.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<form", await form.Content.ReadAsStringAsync());

        using var login = await browser.GetAsync($"/login?t={TraceLabServer.Token}&returnUrl=%2Fapi%2Ftraces");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/api/traces", login.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        using var api = await browser.GetAsync("/api/traces");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_redirects_only_to_local_paths(string returnUrl)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(_server.FrontendUrl) };
        using var login = await browser.GetAsync($"/login?t={TraceLabServer.Token}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Routes_answer_only_on_their_own_listener()
    {
        // OTLP/HTTP is not served on the frontend port, and the API is not served on the OTLP port.
        using var onFrontend = await _server.Api.PostAsync("/v1/traces", OtlpRequests.Protobuf(new ExportTraceServiceRequest()));
        Assert.Equal(HttpStatusCode.NotFound, onFrontend.StatusCode);
        using var onOtlp = await _server.Otlp.GetAsync("/api/traces");
        Assert.Equal(HttpStatusCode.NotFound, onOtlp.StatusCode);
    }

    [Fact]
    public async Task Without_an_api_key_the_trace_lab_refuses_to_start()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TraceLabServer.StartAsync(new Dictionary<string, string?> { ["TraceLab:Otlp:PrimaryApiKey"] = "", ["TraceLab:Otlp:SecondaryApiKey"] = "" }));
        Assert.Contains("TraceLab:Otlp:PrimaryApiKey", ex.Message);
        Assert.Contains("Unsecured", ex.Message);
    }

    [Fact]
    public async Task Unsecured_mode_must_be_chosen_and_then_accepts_exports_without_a_key()
    {
        await using var server = await TraceLabServer.StartAsync(new Dictionary<string, string?>
        {
            ["TraceLab:Otlp:PrimaryApiKey"] = "",
            ["TraceLab:Otlp:AuthMode"] = "Unsecured",
        });
        using var client = new HttpClient { BaseAddress = new Uri(server.OtlpHttpUrl) };
        using var response = await client.PostAsync("/v1/traces", OtlpRequests.Protobuf(
            OtlpRequests.Traces("svc", OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), null, "op"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
