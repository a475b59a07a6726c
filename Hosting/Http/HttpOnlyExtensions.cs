using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class HttpOnlyExtensions
{
    /// <summary>
    /// Every project serves plain HTTP on loopback, so none is given the development certificate. Aspire
    /// otherwise sets up HTTPS for each project, and on a machine without a trusted development certificate
    /// (a fresh Linux one) warns in its log and its dashboard. The demo runs on loopback only, where TLS would
    /// protect nothing and hide the HTTP headers a learner wants to see in a capture.
    /// </summary>
    public static IDistributedApplicationBuilder UseHttpOnlyProjects(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>())
            {
#pragma warning disable ASPIRECERTIFICATES001 // experimental in 13.6; what the Aspire docs give for this case
                builder.CreateResourceBuilder(project).WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
