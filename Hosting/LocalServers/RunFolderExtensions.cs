using DistributedTracing.Hosting.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class RunFolderExtensions
{
    /// <summary>
    /// The run's folder for local servers, shared by every local server of the app: made when the app starts,
    /// deleted once it has stopped.
    /// </summary>
    public static RunFolder GetRunFolder(this IDistributedApplicationBuilder builder)
    {
        if (builder.Services.FirstOrDefault(s => s.ServiceType == typeof(RunFolderHolder))?.ImplementationInstance is RunFolderHolder holder)
        {
            return holder.Folder;
        }

        var folder = RunFolder.ForNewRun();
        builder.Services.AddSingleton(new RunFolderHolder(folder));
        // Made by the container, which so disposes it (deleting the folder) when a test disposes the app.
        builder.Services.AddSingleton(_ => folder);
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<RunFolder>().Create();
            // By the time the host has stopped, DCP has stopped the servers that wrote there.
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(folder.Dispose);
            return Task.CompletedTask;
        });
        return folder;
    }

    private sealed record RunFolderHolder(RunFolder Folder);
}
