namespace DistributedTracing.Hosting.Monitoring;

/// <summary>Reads a resource's live figures through its connection string; keeps its connection between reads.</summary>
public interface IResourceFigureReader : IAsyncDisposable
{
    /// <summary>
    /// The figures as they are now. Throws when the server cannot be reached (the caller says so once per
    /// outage); returns none for something that does not exist yet, such as a table not yet migrated.
    /// </summary>
    Task<IReadOnlyList<ResourceFigure>> ReadAsync(string connectionString, CancellationToken cancellationToken);
}
