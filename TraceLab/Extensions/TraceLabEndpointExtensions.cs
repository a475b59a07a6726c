using DistributedTracing.TraceLab.Api;
using DistributedTracing.TraceLab.Api.Jaeger;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Otlp.Transport;
using DistributedTracing.TraceLab.Security;

namespace DistributedTracing.TraceLab.Extensions;

public static class TraceLabEndpointExtensions
{
    /// <summary>The middleware order and every route, each pinned to its listener.</summary>
    public static WebApplication MapTraceLab(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ErrorBodies.WriteAsync);
        app.UseRouting();
        // The UI's scripts and styles hold no data: served to anyone on the frontend listener; pages need login.
        app.UseWhen(context => context.GetEndpointRole() == EndpointRole.Frontend, frontend => frontend.UseStaticFiles());
        app.UseEndpointRoles();
        app.UseMiddleware<OtlpApiKeyMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        // After every credential check: only a caller allowed to send a body waits for a turn to send it.
        app.UseMiddleware<OtlpBodyReadLimitMiddleware>();

        app.MapGrpcService<OtlpTraceGrpcService>().OnlyOn(EndpointRole.OtlpGrpc);
        app.MapGrpcService<OtlpLogsGrpcService>().OnlyOn(EndpointRole.OtlpGrpc);
        app.MapGrpcService<OtlpMetricsGrpcService>().OnlyOn(EndpointRole.OtlpGrpc);
        app.MapOtlpHttp().OnlyOn(EndpointRole.OtlpHttp);

        app.MapHealthChecks("/health");
        app.MapLogin();

        app.MapGroup("/api")
            .RequireAuthorization()
            .MapTracesApi()
            .MapTraceViewApi()
            .MapTraceImportApi()
            .MapLogsApi()
            .MapTelemetryResourcesApi()
            .MapLiveFeedApi()
            .MapUiConfigApi()
            .MapForwardingApi()
            .MapStoreUsageApi()
            .MapQueuesApi();

        app.MapGroup("/jaeger/api")
            .RequireAuthorization()
            .MapJaegerApi();

        // The pages of the single-page UI, each a deep link; anything else stays a 404.
        foreach (var page in new[] { "/", "/traces", "/traces/{traceId}", "/logs", "/queues" })
        {
            app.MapGet(page, (IWebHostEnvironment environment) =>
                TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, "index.html"), "text/html; charset=utf-8")).RequireAuthorization();
        }
        return app;
    }
}
