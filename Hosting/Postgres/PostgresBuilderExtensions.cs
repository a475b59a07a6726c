using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Postgres;

public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server on a free loopback port (or <paramref name="port"/>), with a generated password.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        var server = new PostgresServerResource(name);
        server.Annotations.Add(new EndpointAnnotation("tcp", port, scheme: "tcp"));
        builder.AddRunner<PostgresServerResource>((resource, context) => new PostgresRunner(resource, context));
        return builder.AddResource(server);
    }

    /// <summary>A database the server creates once it is up.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }
}
