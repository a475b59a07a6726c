using System.Globalization;
using DistributedTracing.Hosting.Orchestration;
using DistributedTracing.Hosting.Processes;
using RabbitMQ.Client;

namespace DistributedTracing.Hosting.RabbitMQ;

/// <summary>
/// Runs the node directly (/usr/lib/rabbitmq/bin/rabbitmq-server, not Debian's wrapper, which switches
/// users) with RABBITMQ_* variables and a private HOME. Our own epmd runs first on the run's epmd port,
/// so the node does not spawn a daemon that would outlive it; both stop with the run.
/// </summary>
internal sealed class RabbitMQRunner(RabbitMQServerResource server, RunContext context) : ResourceRunner(server, context)
{
    private const string DebianServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    // Hosting:RabbitMQ:ServerScript picks another installation's rabbitmq-server script.
    private string ServerScript => Context.Builder.Configuration["Hosting:RabbitMQ:ServerScript"] is { Length: > 0 } configured ? configured : DebianServerScript;
    private const string InstallHint = "RabbitMQ is not installed: run ./run.sh (it installs what is missing) or 'sudo apt-get install rabbitmq-server'.";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var epmd = new[] { "/usr/bin/epmd", "/usr/lib/erlang/bin/epmd" }.FirstOrDefault(File.Exists) ?? SystemTools.FindOnPath("epmd");
        if (!File.Exists(ServerScript) || epmd is null)
        {
            throw new DistributedApplicationException(InstallHint);
        }

        var folder = Context.RunDirectory.Subdirectory($"rabbitmq-{server.Name}");
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        var config = Path.Combine(folder, "rabbitmq.conf");
        // default_user only applies on a node's first boot, which every run's fresh folder is.
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp.default = 127.0.0.1:{server.Amqp.Port}
            default_user = {server.UserName}
            default_pass = {server.Password}
            default_permissions.configure = .*
            default_permissions.read = .*
            default_permissions.write = .*
            loopback_users = none
            log.console = true
            log.console.level = warning
            log.file = false
            """, cancellationToken);
        var plugins = Path.Combine(folder, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[].", cancellationToken);

        var epmdPort = server.Epmd.Port.ToString(CultureInfo.InvariantCulture);
        StartProcess(epmd, ["-port", epmdPort, "-address", "127.0.0.1"], new Dictionary<string, string> { ["HOME"] = home }, folder);

        Environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = $"{server.Name}-{Path.GetFileName(Context.RunDirectory.Path)}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = server.Amqp.Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = server.Distribution.Port.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = epmdPort,
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder, "rabbitmq-env.conf"), // none: ignore the system's
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(folder, "advanced.config"),
        };
        MainProcess = StartProcess(ServerScript, [], new Dictionary<string, string>(Environment), folder);
    }

    public override Task WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        PollUntilHealthyAsync(
            async token =>
            {
                var factory = new ConnectionFactory { Uri = new Uri(server.GetConnectionString()), RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
                await using var connection = await factory.CreateConnectionAsync("apphost-health", token);
                return connection.IsOpen;
            },
            TimeSpan.FromSeconds(90),
            cancellationToken);
}
