using Npgsql;

namespace DistributedTracing.Hosting.Monitoring;

/// <summary>
/// The outbox's pending messages (<c>sent_at IS NULL</c>) and the age of the oldest, by the database's clock.
/// Nothing is reported until the table exists: OrderService creates it with its migrations.
/// </summary>
public sealed class OutboxBacklogReader : IResourceFigureReader
{
    public const string PendingGauge = "outbox.messages.pending";
    public const string OldestAgeGauge = "outbox.messages.oldest_pending_age";
    public const string PendingProperty = "outbox.pending";
    public const string OldestPendingProperty = "outbox.oldest_pending_ms";

    private const string Query = """
        SELECT count(*), coalesce(floor(extract(epoch FROM now() - min(created_at)) * 1000), 0)::bigint
        FROM outbox_messages WHERE sent_at IS NULL
        """;

    // Asked first, until the table is there: querying a missing table works too, but writes an ERROR into
    // PostgreSQL's log (and so the resource's console log) every second until OrderService has migrated.
    private const string TableExists = "SELECT to_regclass('outbox_messages') IS NOT NULL";

    private NpgsqlDataSource? _dataSource;
    private string? _connectionString;
    private bool _tableSeen;

    public async Task<IReadOnlyList<ResourceFigure>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            if (!_tableSeen)
            {
                await using var exists = DataSource(connectionString).CreateCommand(TableExists);
                _tableSeen = await exists.ExecuteScalarAsync(cancellationToken) is true;
                if (!_tableSeen)
                {
                    return [];
                }
            }

            await using var command = DataSource(connectionString).CreateCommand(Query);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (pending, oldestMs) = (reader.GetInt64(0), reader.GetInt64(1));
            return
            [
                new(PendingProperty, pending, PendingGauge),
                new(OldestPendingProperty, Math.Max(0, oldestMs), OldestAgeGauge),
            ];
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            // Not migrated yet, or the database not yet created: nothing to report, and nothing wrong.
            _tableSeen = false;
            return [];
        }
    }

    private NpgsqlDataSource DataSource(string connectionString)
    {
        if (_dataSource is null || _connectionString != connectionString)
        {
            _dataSource?.Dispose();
            var settings = new NpgsqlConnectionStringBuilder(connectionString)
            {
                ApplicationName = "apphost-outbox-backlog",
                Timeout = 3,
                CommandTimeout = 3,
                MaxPoolSize = 1,
            };
            _dataSource = NpgsqlDataSource.Create(settings);
            _connectionString = connectionString;
        }

        return _dataSource;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
