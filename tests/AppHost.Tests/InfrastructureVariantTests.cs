using System.Diagnostics;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Postgres;
using DistributedTracing.Hosting.RabbitMQ;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// PostgreSQL and RabbitMQ as Aspire's container integrations (containers enabled, or publish mode) and as
/// the machine's own servers (the default here): the app models, and the published manifest. No container
/// runtime runs on this machine, so the container variant is checked as a model, never started.
/// </summary>
public sealed class InfrastructureVariantTests
{
    private static readonly string[] Databases = ["usersdb", "ordersdb", "notificationsdb"];

    [Fact]
    public async Task With_containers_enabled_the_app_model_uses_Aspires_integrations()
    {
        await using var builder = await TestApp.CreateBuilderAsync(["--Infrastructure:UseContainers=true"]);

        Assert.IsType<PostgresServerResource>(Single(builder.Resources, "postgres"));
        Assert.IsType<RabbitMQServerResource>(Single(builder.Resources, "messaging"));
        Assert.All(Databases, name => Assert.IsType<PostgresDatabaseResource>(Single(builder.Resources, name)));
        Assert.Empty(builder.Resources.OfType<LocalPostgresServerResource>());
        Assert.Empty(builder.Resources.OfType<LocalRabbitMQServerResource>());
        AssertReferences(builder.Resources);
    }

    [Fact]
    public async Task By_default_the_app_model_uses_the_machines_own_servers()
    {
        await using var builder = await TestApp.CreateBuilderAsync([]);

        Assert.IsType<LocalPostgresServerResource>(Single(builder.Resources, "postgres"));
        Assert.IsType<LocalRabbitMQServerResource>(Single(builder.Resources, "messaging"));
        Assert.All(Databases, name => Assert.IsType<LocalPostgresDatabaseResource>(Single(builder.Resources, name)));
        AssertReferences(builder.Resources);
    }

    [Fact]
    public async Task Both_kinds_give_a_service_the_same_connection_properties()
    {
        await using var containers = await TestApp.CreateBuilderAsync(["--Infrastructure:UseContainers=true"]);
        await using var local = await TestApp.CreateBuilderAsync([]);

        // What WithReference turns into variables: ConnectionStrings__<name> and <NAME>_<PROPERTY> for each property.
        foreach (var name in Databases.Append("messaging"))
        {
            var expected = PropertyNames(containers.Resources, name);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, PropertyNames(local.Resources, name));
        }
    }

    [Fact]
    public async Task The_published_manifest_describes_standard_containers_and_every_reference()
    {
        var output = Directory.CreateTempSubdirectory("manifest-").FullName;
        try
        {
            var appHost = Path.Combine(AppContext.BaseDirectory, "DistributedTracing.AppHost.dll");
            var start = new ProcessStartInfo("dotnet", [appHost, "--publisher", "manifest", "--output-path", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            using var process = Process.Start(start)!;
            var log = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            Assert.True(process.ExitCode == 0, await log + await errors);
            var text = await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json"));
            var resources = JsonNode.Parse(text)!["resources"]!.AsObject();

            Assert.Equal("container.v0", resources["postgres"]!["type"]!.GetValue<string>());
            Assert.Contains("postgres", resources["postgres"]!["image"]!.GetValue<string>());
            Assert.Equal("container.v0", resources["messaging"]!["type"]!.GetValue<string>());
            Assert.Contains("rabbitmq", resources["messaging"]!["image"]!.GetValue<string>());
            Assert.All(Databases, name => Assert.Equal("{postgres.connectionString};Database=" + name, resources[name]!["connectionString"]!.GetValue<string>()));
            // Nothing of the local kinds: no executables, no run folders.
            Assert.DoesNotContain(resources, r => r.Value!["type"]!.GetValue<string>().StartsWith("executable", StringComparison.Ordinal));
            Assert.DoesNotContain("/tmp/", text, StringComparison.Ordinal);

            foreach (var (project, references) in ExpectedReferences)
            {
                var env = resources[project]!["env"]!.AsObject();
                Assert.Equal("project.v0", resources[project]!["type"]!.GetValue<string>());
                Assert.All(references, reference => Assert.True(
                    env.ContainsKey($"ConnectionStrings__{reference}") || env.ContainsKey($"services__{reference}__http__0"),
                    $"{project} does not reference {reference}: {env.ToJsonString()}"));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static readonly Dictionary<string, string[]> ExpectedReferences = new()
    {
        ["userservice"] = ["usersdb"],
        ["orderservice"] = ["ordersdb", "messaging", "userservice"],
        ["notificationworker"] = ["notificationsdb", "messaging", "userservice"],
        ["gateway"] = ["userservice", "orderservice"],
        ["shopper"] = ["gateway"],
    };

    /// <summary>Each project references what the architecture says it talks to.</summary>
    private static void AssertReferences(IResourceCollection resources)
    {
        foreach (var (project, references) in ExpectedReferences)
        {
            var resource = Single(resources, project);
            var referenced = resource.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Where(a => a.Type == "Reference").Select(a => a.Resource.Name).ToHashSet();
            Assert.All(references, reference => Assert.Contains(reference, referenced));
        }
    }

    private static string[] PropertyNames(IResourceCollection resources, string name) =>
        [.. ((IResourceWithConnectionString)Single(resources, name)).GetConnectionProperties().Select(p => p.Key).Order()];

    private static IResource Single(IResourceCollection resources, string name) => resources.Single(r => r.Name == name);
}
