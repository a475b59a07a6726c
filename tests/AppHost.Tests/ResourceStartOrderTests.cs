using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// Each project starts only once what it waits for and what it references is running and healthy: the
/// databases (whose state follows their local server's), the broker, the services it calls, and the Trace
/// Lab its telemetry goes to. Read from the order in which Aspire published the resources' snapshots.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ResourceStartOrderTests(SharedAppFixture fixture)
{
    [Fact]
    public void Every_project_waits_for_the_lab_and_for_what_it_references()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["tracelab"] = [],
            // Waiting for a database is waiting for its server too.
            ["userservice"] = ["postgres", "tracelab", "usersdb"],
            // Both wait for the broker at the app's start only (FirstStartWait): the outbox holds OrderService's
            // messages while it is away, and the worker connects once it is there.
            ["orderservice"] = ["messaging", "ordersdb", "postgres", "tracelab", "userservice"],
            ["notificationworker"] = ["messaging", "notificationsdb", "postgres", "tracelab", "userservice"],
            ["gateway"] = ["orderservice", "tracelab"],
            ["shopper"] = ["gateway", "tracelab"],
        };
        foreach (var (project, waits) in expected)
        {
            var resource = Project(project);
            // A first-start wait's annotation is gone once the resource has started again (a test may have restarted it).
            var firstStartOnly = resource.Annotations.OfType<FirstStartWaitAnnotation>().Select(a => a.Dependency.Name).ToHashSet();
            var waited = resource.Annotations.OfType<WaitAnnotation>().Where(w => w.WaitType == WaitType.WaitUntilHealthy).Select(w => w.Resource.Name);
            Assert.Equal(waits, waited.Concat(firstStartOnly).Distinct().Order());
        }
    }

    [Fact]
    public void Each_project_started_after_what_it_waits_for_and_references_was_running_and_healthy()
    {
        var timeline = fixture.App.Timeline;
        var model = fixture.App.App.Services.GetRequiredService<DistributedApplicationModel>();
        var checkedEdges = new List<string>();
        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var started = timeline.FirstIndex(project.Name, ResourceTimeline.HasStarted);
            Assert.True(started >= 0, $"{project.Name} never started: {timeline.Describe(project.Name)}");
            var dependencies = project.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource)
                .Concat(project.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource))
                .Where(r => r is not ParameterResource)
                .DistinctBy(r => r.Name);
            foreach (var dependency in dependencies)
            {
                var healthy = timeline.FirstIndex(dependency.Name, ResourceTimeline.IsRunningAndHealthy);
                Assert.True(healthy >= 0 && healthy < started,
                    $"{project.Name} started (event {started}) before {dependency.Name} was running and healthy (event {healthy}).\n" +
                    $"{project.Name}: {timeline.Describe(project.Name)}\n{dependency.Name}: {timeline.Describe(dependency.Name)}");

                // The clocks agree: DCP started the dependency's process first.
                var dependencyStart = timeline.Events[healthy].Snapshot.StartTimeStamp;
                var projectStart = timeline.Events.Skip(started).First(e => e.Resource == project.Name && e.Snapshot.StartTimeStamp is not null).Snapshot.StartTimeStamp;
                Assert.NotNull(dependencyStart);
                Assert.True(dependencyStart <= projectStart, $"{dependency.Name} started at {dependencyStart:O}, {project.Name} at {projectStart:O}");
                checkedEdges.Add($"{project.Name}->{dependency.Name}");
            }
        }

        // gateway → userservice is a reference without a wait of its own (orderservice's wait covers it).
        Assert.Contains("gateway->userservice", checkedEdges);
        Assert.Contains("notificationworker->notificationsdb", checkedEdges);
        Assert.Contains("notificationworker->messaging", checkedEdges);
        Assert.True(checkedEdges.Count >= 14, string.Join(", ", checkedEdges));
    }

    private ProjectResource Project(string name) =>
        fixture.App.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == name);
}
