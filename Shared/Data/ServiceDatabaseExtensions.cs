using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistributedTracing.Data;

/// <summary>
/// A service's own PostgreSQL database, set up the same way in every service that has one: Aspire's client
/// integration (pooled contexts, tracing, metrics, a health check that fails while the database is away) with
/// the limits this app needs, and migrations applied at start-up.
/// </summary>
/// <remarks>
/// Compiled into each service that links it (as eShop links its shared sources), so no service references
/// another's code and ServiceDefaults stays free of a database.
/// </remarks>
internal static class ServiceDatabaseExtensions
{
    /// <summary>Connections one service may hold: three services share one PostgreSQL (100 connections by default).</summary>
    private const int MaxPoolSize = 30;

    /// <summary>
    /// Registers <typeparamref name="TContext"/> on <c>ConnectionStrings:<paramref name="connectionName"/></c> and
    /// a hosted service that migrates it (then runs <paramref name="seed"/>, if given) before the service starts.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName,
        Func<TContext, CancellationToken, Task>? seed = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetServiceDatabaseConnectionString(connectionName);
        builder.AddNpgsqlDbContext<TContext>(connectionName,
            settings => settings.ConnectionString = connectionString,
            // A pooled connection broken by a database restart fails once; try again on a fresh one, briefly,
            // because callers wait (Aspire's default retries for up to half a minute).
            options => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
        builder.Services.AddHostedService(services => new DatabaseMigrator<TContext>(
            services, services.GetRequiredService<ILogger<DatabaseMigrator<TContext>>>(), connectionName, seed));
        return builder;
    }

    /// <summary>
    /// The connection string the service's contexts use, capped at <see cref="MaxPoolSize"/> connections: a burst of
    /// slow requests queues here for a connection instead of taking the server's last ones. Anything else that
    /// opens connections to the same database uses this string too, so that it draws on the same pool.
    /// </summary>
    public static string GetServiceDatabaseConnectionString(this IConfiguration configuration, string connectionName)
    {
        var configured = configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");
        return new NpgsqlConnectionStringBuilder(configured) { MaxPoolSize = MaxPoolSize }.ConnectionString;
    }
}
