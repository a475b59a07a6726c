using Aspire.Hosting;

namespace DistributedTracing.Hosting.RabbitMQ;

/// <summary>Where the machine's RabbitMQ server script and Erlang's epmd are.</summary>
internal static class RabbitMQInstallation
{
    public const string InstallHint = "RabbitMQ is not installed: run ./run.sh (it installs what is missing) or 'sudo apt-get install rabbitmq-server'.";

    // The script itself, not Debian's /usr/sbin wrapper, which switches to the rabbitmq user.
    private const string DebianServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>LocalRabbitMQ:ServerScript when set (another installation), else Debian's.</summary>
    public static (string ServerScript, string Epmd) Find(string? configuredScript)
    {
        var script = string.IsNullOrEmpty(configuredScript) ? DebianServerScript : configuredScript;
        var epmd = new[] { "/usr/bin/epmd", "/usr/lib/erlang/bin/epmd" }.FirstOrDefault(File.Exists) ?? LocalServers.SystemTools.FindOnPath("epmd");
        return File.Exists(script) && epmd is not null
            ? (script, epmd)
            : throw new DistributedApplicationException($"No rabbitmq-server at {script} or no epmd. {InstallHint}");
    }
}
