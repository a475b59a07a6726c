using System.Data.Common;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace DistributedTracing.ServiceDefaults.GrpcServer;

/// <summary>
/// Tells a failure of something a call depends on (its database, another service) from a fault of the call
/// itself. The first is "try again later" (gRPC Unavailable, HTTP 503), not a bug (Unknown, 502).
/// </summary>
public static class DependencyFailure
{
    /// <summary>
    /// True for a database error the provider calls transient (connection refused or lost, the server shutting
    /// down or restarting, the pool exhausted), and for an outgoing gRPC call that never got an answer: the
    /// resilience pipeline gave up (circuit open, attempt timed out) or the connection failed. gRPC reports
    /// those as Internal ("Error starting gRPC call"), which says nothing of the cause.
    /// </summary>
    public static bool IsDependencyAway(Exception exception)
    {
        for (Exception? ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case DbException { IsTransient: true }:
                case BrokenCircuitException or TimeoutRejectedException or HttpRequestException:
                    return true;
                case RpcException { StatusCode: StatusCode.Internal, Status.DebugException: { } cause } when IsDependencyAway(cause):
                    return true;
            }
        }

        return false;
    }
}
