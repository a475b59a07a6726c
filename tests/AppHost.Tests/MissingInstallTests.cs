using DistributedTracing.Hosting;

namespace DistributedTracing.AppHost.Tests;

/// <summary>When a server is not installed, the failure names the resource and says what to install.</summary>
public sealed class MissingInstallTests
{
    [Theory]
    [InlineData("--Hosting:Postgres:BinDirectory=/nonexistent/postgresql/bin", "'postgres'", "apt-get install postgresql")]
    [InlineData("--Hosting:RabbitMQ:ServerScript=/nonexistent/rabbitmq-server", "'messaging'", "apt-get install rabbitmq-server")]
    public async Task A_missing_server_says_what_to_install(string setting, string resource, string hint)
    {
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => RunningApp.StartAsync(setting));
        Assert.Contains(hint, ex.Message);
        Assert.Contains("failed to start", ex.Message);
        Assert.Contains(resource, ex.Message);
    }
}
