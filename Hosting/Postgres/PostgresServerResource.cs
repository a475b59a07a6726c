using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>A PostgreSQL server from the operating system's packages, with a fresh data folder per run.</summary>
public sealed class PostgresServerResource(string name) : Resource(name)
{
    public override string Type => "postgres";

    public string UserName { get; } = "app";

    public string Password { get; } = Secrets.NewSecret();

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public EndpointAnnotation Endpoint => AnnotationsOf<EndpointAnnotation>().Single();

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Endpoint.Port};Username={UserName};Password={Password};Database={database}";
}

/// <summary>A database on a Postgres server; referencing it gives ConnectionStrings__name.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent
{
    public override string Type => "database";

    public string DatabaseName { get; } = databaseName;

    public Resource Parent { get; } = parent;

    public string GetConnectionString() => parent.ConnectionStringFor(DatabaseName);
}
