using System.Reflection;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// In run mode DCP starts each project with <c>dotnet run --no-build</c>, which spends a few seconds of
    /// MSBuild per project before the program itself starts; on two cores, with six projects, that is most of
    /// the start-up. Building the AppHost has already built every project it references, so each project is
    /// started from its build output instead: an <see cref="ExecutableAnnotation"/> on a project tells DCP the
    /// command to run in place of <c>dotnet run</c>. Working directory, environment, endpoints, logs and
    /// commands stay as Aspire sets them. A project with no build output keeps Aspire's default.
    /// </summary>
    public static IDistributedApplicationBuilder RunProjectsFromBuildOutput(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            if (!builder.ExecutionContext.IsRunMode)
            {
                return Task.CompletedTask;
            }

            // Debug or Release: the AppHost's own build, and so that of the projects it built.
            var configuration = builder.AppHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>())
            {
                var projectPath = project.GetProjectMetadata().ProjectPath;
                var projectDirectory = Path.GetDirectoryName(projectPath)!;
                if (FindBuiltProgram(projectDirectory, configuration) is { } program)
                {
                    project.Annotations.Add(new ExecutableAnnotation { Command = program, WorkingDirectory = projectDirectory });
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>The program a build left in bin/CONFIGURATION/TFM/: the native app host beside its runtimeconfig.json.</summary>
    private static string? FindBuiltProgram(string projectDirectory, string configuration)
    {
        var output = Path.Combine(projectDirectory, "bin", configuration);
        if (!Directory.Exists(output))
        {
            return null;
        }

        return Directory.GetFiles(output, "*.runtimeconfig.json", SearchOption.AllDirectories)
            .Select(file => file[..^".runtimeconfig.json".Length])
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}
