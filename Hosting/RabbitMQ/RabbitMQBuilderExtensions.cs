using DistributedTracing.Hosting.ApplicationModel;

namespace DistributedTracing.Hosting.RabbitMQ;

public static class RabbitMQBuilderExtensions
{
    /// <summary>A RabbitMQ node; AMQP, Erlang distribution and epmd each get a free loopback port.</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        var server = new RabbitMQServerResource(name);
        server.Annotations.Add(new EndpointAnnotation("amqp", port, scheme: "amqp"));
        server.Annotations.Add(new EndpointAnnotation("dist", scheme: "tcp"));
        server.Annotations.Add(new EndpointAnnotation("epmd", scheme: "tcp"));
        builder.AddRunner<RabbitMQServerResource>((resource, context) => new RabbitMQRunner(resource, context));
        return builder.AddResource(server);
    }
}
