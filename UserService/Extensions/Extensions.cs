using DistributedTracing.ServiceDefaults.GrpcServer;
using DistributedTracing.UserService.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistributedTracing.UserService.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("usersdb")
            ?? throw new InvalidOperationException("ConnectionStrings:usersdb is not set.");
        // At most 30 connections from this service: three services share one PostgreSQL (100 connections by
        // default), and a burst of slow requests must queue here for a connection, not take the server's last ones.
        var connectionString = new NpgsqlConnectionStringBuilder(configured) { MaxPoolSize = 30 }.ConnectionString;
        builder.Services.AddDbContext<UsersDbContext>(options => options.UseNpgsql(connectionString,
            // A pooled connection broken by a database restart fails once; try again on a fresh one (briefly: callers wait).
            npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
        builder.Services.AddHostedService<UsersDbInitializer>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<DataExceptionInterceptor>();
            grpc.Interceptors.Add<DependencyExceptionInterceptor>();
        });
        return builder;
    }
}
