using Aspire.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RabbitMQ;

/// <summary>
/// A RabbitMQ node from the machine's own packages, run as an executable where no container can run. Its
/// connection string and connection properties are exactly those of Aspire's <c>RabbitMQServerResource</c>.
/// Besides AMQP it has two private ports of Erlang's: node distribution, and its own epmd.
/// </summary>
public sealed class LocalRabbitMQServerResource(string name, string workingDirectory, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, LocalServers.ServerLauncher.Shell, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string DistributionEndpointName = "dist";
    internal const string EpmdEndpointName = "epmd";

    public ParameterResource UserNameParameter { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public EndpointReferenceExpression Host => PrimaryEndpoint.Property(EndpointProperty.Host);

    public EndpointReferenceExpression Port => PrimaryEndpoint.Property(EndpointProperty.Port);

    public ReferenceExpression ConnectionStringExpression => UriExpression;

    public ReferenceExpression UriExpression =>
        ReferenceExpression.Create($"amqp://{UserNameParameter:uri}:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{Host}")),
        new("Port", ReferenceExpression.Create($"{Port}")),
        new("Username", ReferenceExpression.Create($"{UserNameParameter}")),
        new("Password", ReferenceExpression.Create($"{PasswordParameter}")),
        new("Uri", UriExpression),
    ];
}
