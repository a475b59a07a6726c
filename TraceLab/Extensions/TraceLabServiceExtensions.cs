using System.Net;
using DistributedTracing.TraceLab.Configuration;
using DistributedTracing.TraceLab.Forwarding;
using DistributedTracing.TraceLab.Otlp.Decoding;
using DistributedTracing.TraceLab.Otlp.Transport;
using DistributedTracing.TraceLab.Security;
using DistributedTracing.TraceLab.Telemetry;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace DistributedTracing.TraceLab.Extensions;

public static class TraceLabServiceExtensions
{
    /// <summary>Options, the three listeners, OTLP ingest and forwarding, the telemetry store and the frontend's authentication.</summary>
    public static WebApplicationBuilder AddTraceLab(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // The UI ships next to the assembly, so it is found whatever the working directory.
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            builder.Environment.WebRootPath = webRoot;
            builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(webRoot);
        }

        builder.Logging.KeepRequestUrlsOutOfLogs();

        services.AddOptions<TraceLabOptions>()
            .Bind(builder.Configuration.GetSection(TraceLabOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TraceLabOptions>, TraceLabOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<TraceLabOptions>, ForwardingTargetFallback>();

        var options = builder.Configuration.GetSection(TraceLabOptions.SectionName).Get<TraceLabOptions>() ?? new TraceLabOptions();
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureListeners(kestrel, options));

        services.AddGrpc(grpc =>
        {
            // gRPC's default 4 MB receive limit would refuse exports the HTTP endpoint accepts.
            grpc.MaxReceiveMessageSize = options.Otlp.MaxRequestBodySize;
        });
        services.AddSingleton<IServiceMethodProvider<OtlpTraceGrpcService>, OtlpGrpcMethodProvider>();
        services.AddSingleton<IServiceMethodProvider<OtlpLogsGrpcService>, OtlpGrpcMethodProvider>();
        services.AddSingleton<IServiceMethodProvider<OtlpMetricsGrpcService>, OtlpGrpcMethodProvider>();
        services.AddSingleton<TelemetryStore>();
        services.AddSingleton<OtlpAttributeConverter>();
        services.AddSingleton<OtlpTraceIngest>();
        services.AddSingleton<Traces.TraceTreeCache>();
        services.AddSingleton<OtlpLogsIngest>();
        services.AddSingleton<OtlpMetricsIngest>();
        services.AddSingleton<ForwardingQueue>();
        services.AddHostedService<ForwardingService>();

        // Sessions last as long as this Trace Lab process: nothing to persist, nothing to leak to disk.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = new InMemoryXmlRepository();
            keys.XmlEncryptor = new NullXmlEncryptor(); // the keys never leave memory
        });
        services.AddBrowserTokenAuthentication();
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddHealthChecks();
        services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        services.AddHostedService<TraceLabStartupMessage>();
        return builder;
    }

    private static void ConfigureListeners(KestrelServerOptions kestrel, TraceLabOptions options)
    {
        // What a connection can make Kestrel buffer before anyone reads it, times how many connections:
        // part of the memory bound README states. Over HTTP/2 the streams of one connection share its window,
        // and streams waiting for a turn to be read (OtlpBodyReadLimitMiddleware) hold their share. Kestrel
        // gives window back only once half of it has been read, so the connection window is twice the streams
        // allowed times each stream's window: the stream being read can always read that half, however many
        // wait beside it (with less, it stalls holding its turn, and so does every export after it).
        kestrel.Limits.MaxConcurrentConnections = MaxConnections;
        kestrel.Limits.MaxRequestBufferSize = MaxBufferedBytesPerConnection;
        kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
        kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindowBytes;
        kestrel.Limits.Http2.InitialConnectionWindowSize = 2 * MaxStreamsPerConnection * StreamWindowBytes;

        Listen(kestrel, options.Frontend.EndpointUrl, HttpProtocols.Http1, EndpointRole.Frontend);

        // Over cleartext, gRPC needs HTTP/2 with prior knowledge, which Kestrel serves only on an HTTP/2-only listener.
        Listen(kestrel, options.Otlp.GrpcEndpointUrl, HttpProtocols.Http2, EndpointRole.OtlpGrpc);
        Listen(kestrel, options.Otlp.HttpEndpointUrl, HttpProtocols.Http1, EndpointRole.OtlpHttp);
    }

    /// <summary>Open connections across the three listeners.</summary>
    public const int MaxConnections = 256;

    /// <summary>HTTP/1.1: request bytes buffered per connection.</summary>
    public const int MaxBufferedBytesPerConnection = 256 * 1024;

    /// <summary>HTTP/2: concurrent streams per connection, and each stream's window (HTTP/2's smallest but one byte).</summary>
    public const int MaxStreamsPerConnection = 8;

    public const int StreamWindowBytes = 64 * 1024;

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, EndpointRole role)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return; // the options validator reports it with the setting's name
        }

        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            listen.Use(next => connection =>
            {
                connection.Features.Set(new EndpointRoleFeature(role));
                return next(connection);
            });
        }

        if (uri.Host is "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (uri.Host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, Configure);
        }
        else
        {
            throw new InvalidOperationException($"'{url}' must name an IP address or localhost to listen on.");
        }
    }
}
