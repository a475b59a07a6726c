using System.Reflection;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Orchestration;
using DistributedTracing.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace DistributedTracing.Hosting;

/// <summary>Declares the app model, as Aspire's builder does: add resources, wire them, then Build().</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, Assembly appHostAssembly)
    {
        Configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        SolutionRoot = FindSolutionRoot(appHostAssembly);
        Configuration_ = appHostAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
    }

    public IConfiguration Configuration { get; }

    /// <summary>The folder of DistributedTracing.sln; project paths are relative to it.</summary>
    public string SolutionRoot { get; }

    /// <summary>Debug or Release: the build of the AppHost, and so of the projects it references.</summary>
    internal string Configuration_ { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>How each kind of resource starts, becomes healthy and stops; extensions register theirs.</summary>
    internal Dictionary<Type, Func<Resource, RunContext, ResourceRunner>> Runners { get; } = new()
    {
        [typeof(ProjectResource)] = (resource, context) => new ProjectRunner((ProjectResource)resource, context),
        [typeof(DashboardResource)] = (resource, context) => new ProjectRunner((ProjectResource)resource, context),
    };

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already in the app model.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public void AddRunner<T>(Func<T, RunContext, ResourceRunner> factory)
        where T : Resource =>
        Runners[typeof(T)] = (resource, context) => factory((T)resource, context);

    public DistributedApplication Build()
    {
        var app = new DistributedApplication(this);
        DistributedApplicationTestHook.OnBuilt(this, app);
        return app;
    }

    private static string FindSolutionRoot(Assembly appHostAssembly)
    {
        var fromBuild = appHostAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SolutionRoot")?.Value;
        if (fromBuild is not null && Directory.Exists(fromBuild))
        {
            return Path.GetFullPath(fromBuild);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("*.sln").Length > 0)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the solution folder: build the AppHost from the repository.");
    }
}
