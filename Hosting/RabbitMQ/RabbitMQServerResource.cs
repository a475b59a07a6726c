using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RabbitMQ;

/// <summary>A RabbitMQ node from the operating system's packages: its own name, ports, folders and user.</summary>
public sealed class RabbitMQServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Type => "rabbitmq";

    // Not "guest": that user may only connect from localhost and is what everyone tries first.
    public string UserName { get; } = "app";

    public string Password { get; } = Secrets.NewSecret();

    public EndpointAnnotation Amqp => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "amqp");

    public EndpointAnnotation Distribution => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "dist");

    public EndpointAnnotation Epmd => AnnotationsOf<EndpointAnnotation>().Single(e => e.Name == "epmd");

    public string GetConnectionString() => $"amqp://{UserName}:{Password}@127.0.0.1:{Amqp.Port}";
}
