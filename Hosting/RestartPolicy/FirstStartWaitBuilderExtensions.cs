using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class FirstStartWaitBuilderExtensions
{
    /// <summary>
    /// Like <c>WaitFor</c>, but for the resource's first start only: when the app starts, it waits (shown as
    /// Waiting) until <paramref name="dependency"/> is running and healthy; any later start (the restart policy's,
    /// Aspire's start or restart command) goes ahead at once. For a resource that copes without the dependency,
    /// so that a clean start is quiet (no "cannot reach" warnings while the dependency is still starting) and a
    /// crashed resource still comes back while the dependency is away.
    /// </summary>
    public static IResourceBuilder<T> WaitForOnFirstStart<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        builder.WaitFor(dependency);
        var wait = builder.Resource.Annotations.OfType<WaitAnnotation>().Last(w => w.Resource == dependency.Resource);
        builder.WithAnnotation(new FirstStartWaitAnnotation(dependency.Resource));
        var starts = 0;
        // Subscribed while the model is built, so it runs before Aspire's own handler of the event, which reads
        // the wait annotations: from the second start on, this one is gone by then.
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (_, _) =>
        {
            if (Interlocked.Increment(ref starts) > 1)
            {
                builder.Resource.Annotations.Remove(wait);
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}

/// <summary>Marks a wait that holds for the resource's first start only (see <see cref="FirstStartWaitBuilderExtensions.WaitForOnFirstStart"/>).</summary>
public sealed record FirstStartWaitAnnotation(IResource Dependency) : IResourceAnnotation;
