using Aspire.Hosting.ApplicationModel;
using DistributedTracing.Hosting.LocalServers;
using DistributedTracing.Hosting.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Aspire.Hosting;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class LocalRabbitMQBuilderExtensions
{
    /// <summary>
    /// A RabbitMQ node from the machine's packages, for runs where no container can run: its own node name,
    /// data folder, generated user, and loopback ports that DCP allocates (AMQP, Erlang distribution, and an
    /// epmd of its own that the launcher starts and stops with the node, so no epmd daemon outlives the run).
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQServerResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var userName = ParameterResourceBuilderExtensions.CreateGeneratedParameter(builder, $"{name}-username", secret: false,
            new GenerateParameterDefault { MinLength = 8, Special = false, Upper = false, Numeric = false });
        // No special characters: the password goes into a URI.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var folder = builder.GetRunFolder().Subfolder($"rabbitmq-{name}");
        var server = new LocalRabbitMQServerResource(name, folder, userName, password);
        var installation = new Lazy<(string ServerScript, string Epmd)>(() => RabbitMQInstallation.Find(builder.Configuration["LocalRabbitMQ:ServerScript"]));
        var home = Path.Combine(folder, "home");
        var config = Path.Combine(folder, "rabbitmq.conf");
        var plugins = Path.Combine(folder, "enabled_plugins");
        var distribution = new EndpointReference(server, LocalRabbitMQServerResource.DistributionEndpointName);
        var epmd = new EndpointReference(server, LocalRabbitMQServerResource.EpmdEndpointName);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async _ => await new ConnectionFactory
            {
                Uri = new Uri(connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
            }.CreateConnectionAsync("apphost-health"),
            name: healthCheckKey);

        return builder.AddResource(server)
            .WithIconName("MailMultiple")
            .WithEndpoint(name: LocalRabbitMQServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: LocalRabbitMQServerResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: LocalRabbitMQServerResource.EpmdEndpointName, scheme: "tcp", isProxied: false)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = home;
                // One node name per run, so two runs (or a test beside the demo) never meet.
                env["RABBITMQ_NODENAME"] = $"{name}-{Path.GetFileName(Path.GetDirectoryName(folder))}@localhost";
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = server.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                env["RABBITMQ_DIST_PORT"] = distribution.Property(EndpointProperty.TargetPort);
                env["ERL_EPMD_PORT"] = epmd.Property(EndpointProperty.TargetPort);
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_CONFIG_FILE"] = config;
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins;
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
                env["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid");
                // Files that do not exist: the machine's own rabbitmq-env.conf and advanced.config stay out.
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder, "rabbitmq-env.conf");
                env["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(folder, "advanced.config");
                // The script then execs the Erlang VM (as under systemd) instead of waiting on it in a shell that
                // exits 0 whatever became of the node: beam.smp is the launcher's own child, a SIGKILL of it ends
                // the resource with 137, and SIGTERM still stops the node cleanly.
                env["RUNNING_UNDER_SYSTEMD"] = "true";
            })
            .WithArgs(context =>
            {
                // The node's own epmd, on its private port, runs beside it under the launcher.
                var epmdCommand = ReferenceExpression.Create($"{installation.Value.Epmd} -port {epmd.Property(EndpointProperty.TargetPort)} -address 127.0.0.1");
                foreach (var argument in ServerLauncher.Arguments("TERM", "", [epmdCommand], [installation.Value.ServerScript]))
                {
                    context.Args.Add(argument);
                }
            })
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                Directory.CreateDirectory(home); // and the node's folder around it
                // default_user applies on the node's first boot only; a restart keeps its users and queues.
                await File.WriteAllTextAsync(config, $"""
                    default_user = {await resource.UserNameParameter.GetValueAsync(ct)}
                    default_pass = {await resource.PasswordParameter.GetValueAsync(ct)}
                    default_permissions.configure = .*
                    default_permissions.read = .*
                    default_permissions.write = .*
                    loopback_users = none
                    log.console = true
                    log.console.level = warning
                    log.file = false
                    """, ct);
                File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds the password
                await File.WriteAllTextAsync(plugins, "[].", ct);
            })
            .WithHealthCheck(healthCheckKey);
    }
}
