using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Postgres;

namespace DistributedTracing.Hosting.Infrastructure;

/// <summary>A PostgreSQL server of whichever kind this run uses, to add databases to.</summary>
public sealed class PostgresServerBuilder(IResourceBuilder<PostgresServerResource>? container, IResourceBuilder<LocalPostgresServerResource>? local)
{
    public IResourceBuilder<IResourceWithConnectionString> Server => (IResourceBuilder<IResourceWithConnectionString>?)container ?? local!;

    public IResourceBuilder<IResourceWithConnectionString> AddDatabase([ResourceName] string name, string? databaseName = null) =>
        container is not null ? container.AddDatabase(name, databaseName) : local!.AddDatabase(name, databaseName);
}
