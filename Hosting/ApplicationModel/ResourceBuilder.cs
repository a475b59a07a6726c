namespace DistributedTracing.Hosting.ApplicationModel;

/// <summary>What <c>builder.AddX(...)</c> returns: the resource, and the app builder to add more.</summary>
public interface IResourceBuilder<out T>
    where T : Resource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed class ResourceBuilder<T>(T resource, DistributedApplicationBuilder applicationBuilder) : IResourceBuilder<T>
    where T : Resource
{
    public T Resource { get; } = resource;

    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;
}

public static class ResourceBuilderExtensions
{
    /// <summary>Start after <paramref name="dependency"/> is healthy (a database: after its server).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        var target = dependency.Resource is IResourceWithParent child ? child.Parent : dependency.Resource;
        builder.Resource.Annotations.Add(new WaitAnnotation(target));
        return builder;
    }

    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> target)
        where T : Resource
    {
        builder.Resource.Annotations.Add(new ReferenceAnnotation(target.Resource));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        builder.Resource.Annotations.Add(new EnvironmentAnnotation(name, () => value));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string> value)
        where T : Resource
    {
        builder.Resource.Annotations.Add(new EnvironmentAnnotation(name, value));
        return builder;
    }

    /// <summary>Listen on a fixed port instead of a free one (0: a free one after all).</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int port, string name = "http")
        where T : Resource
    {
        int? requested = port == 0 ? null : port;
        var endpoint = builder.Resource.AnnotationsOf<EndpointAnnotation>().FirstOrDefault(e => e.Name == name);
        if (endpoint is null)
        {
            builder.Resource.Annotations.Add(new EndpointAnnotation(name, requested));
        }
        else
        {
            endpoint.RequestedPort = requested;
        }

        return builder;
    }
}
