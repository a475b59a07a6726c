using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// PostgreSQL and RabbitMQ as Aspire's own container integrations where containers run (publish mode, or
/// Infrastructure:UseContainers=true), else as the machine's own servers. Either way a service gets the
/// same connection string and connection properties.
/// </summary>
public static class InfrastructureBuilderExtensions
{
    public const string UseContainersKey = "Infrastructure:UseContainers";

    public static bool UsesContainers(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue<bool>(UseContainersKey);

    public static PostgresServerBuilder AddPostgresServer(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.UsesContainers() ? new PostgresServerBuilder(builder.AddPostgres(name), null)
        : OperatingSystem.IsLinux() ? new PostgresServerBuilder(null, builder.AddLocalPostgres(name))
        : throw LocalServersNeedLinux();

    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.UsesContainers() ? builder.AddRabbitMQ(name)
        : OperatingSystem.IsLinux() ? builder.AddLocalRabbitMQ(name)
        : throw LocalServersNeedLinux();

    private static DistributedApplicationException LocalServersNeedLinux() =>
        new($"The machine's own PostgreSQL and RabbitMQ run on Linux only; elsewhere set {UseContainersKey}=true and run them as containers.");
}
