using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DistributedTracing.ServiceDefaults.GrpcServer;

/// <summary>
/// Answers Unavailable, not Unknown, when a call failed because its database or a service it calls is away
/// (see <see cref="DependencyFailure"/>): during a restart of PostgreSQL or of another service the caller is
/// told to try again, and the gateway answers 503, not 502. The detail names no host, query or value.
/// </summary>
public sealed class DependencyExceptionInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException { StatusCode: not StatusCode.Internal } && DependencyFailure.IsDependencyAway(ex))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "a dependency of this service is unavailable; try again later", ex));
        }
    }
}
