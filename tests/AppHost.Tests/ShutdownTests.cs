using DistributedTracing.Hosting;

namespace DistributedTracing.AppHost.Tests;

/// <summary>After dispose, every process the app started is gone, and its data folder with it.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Dispose_leaves_no_process_and_no_data_behind()
    {
        var app = await RunningApp.StartAsync();
        var runFolders = Directory.GetDirectories(DistributedTracing.Hosting.Processes.RunDirectory.BaseDirectory);
        Assert.NotEmpty(runFolders);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await app.DisposeAsync();
        stopwatch.Stop();

        var groups = app.App.StoppedProcessGroups;
        Assert.True(groups.Count >= 9, $"expected the processes of 9 resources (epmd and the node count apart), got {groups.Count}");
        Assert.All(groups, group => Assert.False(DistributedApplication.ProcessGroupExists(group), $"process group {group} is still running"));
        Assert.All(app.App.Snapshots, snapshot => Assert.Equal(DistributedTracing.Hosting.ApplicationModel.ResourceState.Stopped, snapshot.State));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {stopwatch.Elapsed}");
        Assert.DoesNotContain(Directory.GetDirectories(DistributedTracing.Hosting.Processes.RunDirectory.BaseDirectory), runFolders.Contains);
    }
}
