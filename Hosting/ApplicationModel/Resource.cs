namespace DistributedTracing.Hosting.ApplicationModel;

/// <summary>
/// Something the app model runs: a server, a database, a project. Like Aspire's resources it is a name
/// and a bag of annotations; builders add annotations and the orchestrator reads them.
/// </summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    public List<object> Annotations { get; } = [];

    /// <summary>A short word for the console and the resources page: "postgres", "project", ...</summary>
    public abstract string Type { get; }

    public IEnumerable<T> AnnotationsOf<T>() => Annotations.OfType<T>();

    public override string ToString() => Name;
}

/// <summary>A resource others can connect to with a connection string (ConnectionStrings__name).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>Available once the resource has been given its ports and credentials.</summary>
    string GetConnectionString();
}

/// <summary>The resource this one belongs to, which is what actually runs (a database's server).</summary>
public interface IResourceWithParent
{
    Resource Parent { get; }
}

/// <summary>Start this resource only after <paramref name="Dependency"/> is healthy.</summary>
public sealed record WaitAnnotation(Resource Dependency);

/// <summary>This resource talks to <paramref name="Target"/>: it gets its connection string or service URLs.</summary>
public sealed record ReferenceAnnotation(Resource Target);

/// <summary>An environment variable, computed when the resource starts (ports are known by then).</summary>
public sealed record EnvironmentAnnotation(string Name, Func<string> Value, bool IsSecret = false);
