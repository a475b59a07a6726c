using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using DistributedTracing.Hosting.RestartPolicy;

namespace Aspire.Hosting;

public static class RestartPolicyBuilderExtensions
{
    /// <summary>
    /// Starts the resource (a project, executable or container) again when it exits without being asked to,
    /// through Aspire's start command, with a delay that doubles from <see cref="RestartPolicyOptions.FirstDelay"/>
    /// up to <see cref="RestartPolicyOptions.MaxDelay"/>; after <see cref="RestartPolicyOptions.MaxRestarts"/>
    /// restarts within <see cref="RestartPolicyOptions.Window"/> it is left as it ended, with the reason. A stop
    /// asked for through Aspire's stop or restart command (dashboard, <c>aspire resource</c>, ResourceCommandService)
    /// is never undone. Shows <c>restart.count</c> and <c>restart.last</c> as resource properties.
    /// </summary>
    public static IResourceBuilder<T> WithRestartPolicy<T>(this IResourceBuilder<T> builder, Action<RestartPolicyOptions>? configure = null)
        where T : IResource
    {
        var options = new RestartPolicyOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRestarts);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FirstDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDelay, options.FirstDelay);

        builder.ApplicationBuilder.Services.TryAddEventingSubscriber<RestartPolicySubscriber>();
        return builder.WithAnnotation(new RestartPolicyAnnotation(options), ResourceAnnotationMutationBehavior.Replace);
    }
}
