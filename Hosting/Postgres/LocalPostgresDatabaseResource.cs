using System.Data.Common;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>A database on a local PostgreSQL server; referencing it gives what Aspire's <c>PostgresDatabaseResource</c> gives.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};{new DbConnectionStringBuilder { ["Database"] = DatabaseName }.ConnectionString}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties(
        [
            new("DatabaseName", ReferenceExpression.Create($"{DatabaseName}")),
            new("Uri", Parent.BuildUri(DatabaseName)),
            new("JdbcConnectionString", Parent.BuildJdbcConnectionString(DatabaseName)),
        ]);
}
