using System.Xml.Linq;
using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>Runs a project's build output (built by the AppHost's build) and waits for /health.</summary>
public sealed class ProjectRunner(ProjectResource project, RunContext context) : ResourceRunner(project, context)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var projectFile = Path.GetFullPath(Path.Combine(Context.Builder.SolutionRoot, project.ProjectPath));
        var projectDirectory = Path.GetDirectoryName(projectFile)!;
        var assemblyName = XDocument.Load(projectFile).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(projectFile);
        var dll = Path.Combine(projectDirectory, "bin", Context.Builder.Configuration_, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new DistributedApplicationException(
                $"'{project.Name}': {dll} does not exist. Build the solution (the AppHost's build builds every project it references) in {Context.Builder.Configuration_}.");
        }

        Environment = EnvironmentContract.For(project, Context.Builder);
        MainProcess = StartProcess("dotnet", [dll], new Dictionary<string, string>(Environment), projectDirectory);
        return Task.CompletedTask;
    }

    public override Task WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        PollUntilHealthyAsync(
            async token =>
            {
                using var response = await Http.GetAsync($"{project.HealthEndpoint.Url}/health", token);
                return response.IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(90),
            cancellationToken);
}
