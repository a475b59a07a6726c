using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        if (builder.Services.FirstOrDefault(s => s.ServiceType == typeof(RunFolder))?.ImplementationInstance is RunFolder existing)
        {
            return existing;
        }

        var folder = RunFolder.ForNewRun();
        builder.Services.AddSingleton(folder);
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            folder.Create();
            // By the time the host has stopped, DCP has stopped the servers that wrote there.
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(folder.Dispose);
            return Task.CompletedTask;
        });
        return folder;
    }
}
