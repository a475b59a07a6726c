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
            // Neither waits for the broker: the outbox holds OrderService's messages while it is away, and the
            // worker connects once it is there.
            ["orderservice"] = ["ordersdb", "postgres", "tracelab", "userservice"],
            ["notificationworker"] = ["notificationsdb", "postgres", "tracelab", "userservice"],
            ["gateway"] = ["orderservice", "tracelab"],
            ["shopper"] = ["gateway", "tracelab"],
        };
        foreach (var (project, waits) in expected)
        {
            var resource = Project(project);
            Assert.Equal(waits, resource.Annotations.OfType<WaitAnnotation>().Where(w => w.WaitType == WaitType.WaitUntilHealthy).Select(w => w.Resource.Name).Distinct().Order());
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
                .Where(r => r is not ParameterResource && !NotWaitedFor.Contains($"{project.Name}->{r.Name}"))
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
        Assert.True(checkedEdges.Count >= 14, string.Join(", ", checkedEdges));
    }

    /// <summary>References a project starts without: the broker (see above).</summary>
    private static readonly HashSet<string> NotWaitedFor = ["orderservice->messaging", "notificationworker->messaging"];

    private ProjectResource Project(string name) =>
        fixture.App.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == name);
}
