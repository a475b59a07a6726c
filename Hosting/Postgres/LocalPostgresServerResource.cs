using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Postgres;

/// <summary>
/// A PostgreSQL server from the machine's own packages, run as an executable where no container can run.
/// Its connection string and connection properties are exactly those of Aspire's
/// <c>PostgresServerResource</c>, so a service cannot tell which kind it was given.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, LocalServers.ServerLauncher.Shell, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    // Aspire's default superuser name, so connection strings look the same as with the container.
    public const string UserName = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    /// <summary>Resource name to database name, created once the server is ready.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    /// <summary>The server's data (its cluster), kept across restarts within the run.</summary>
    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Host};Port={Port};Username={UserName};Password={PasswordParameter}");

    public ReferenceExpression UriExpression => BuildUri();

    internal void AddDatabase(string name, string databaseName) => _databases.TryAdd(name, databaseName);

    internal ReferenceExpression BuildUri(string? databaseName = null)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.Append($"postgresql://{UserName:uri}:{PasswordParameter:uri}@{Host}:{Port}");
        if (databaseName is not null)
        {
            builder.AppendLiteral("/");
            builder.Append($"{databaseName:uri}");
        }

        return builder.Build();
    }

    internal ReferenceExpression BuildJdbcConnectionString(string? databaseName = null) =>
        databaseName is null
            ? ReferenceExpression.Create($"jdbc:postgresql://{Host}:{Port}")
            : ReferenceExpression.Create($"jdbc:postgresql://{Host}:{Port}/{databaseName:uri}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{Host}")),
        new("Port", ReferenceExpression.Create($"{Port}")),
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", UriExpression),
        new("JdbcConnectionString", BuildJdbcConnectionString()),
    ];
}
