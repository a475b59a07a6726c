using System.Data.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DistributedTracing.ServiceDefaults.GrpcServer;

/// <summary>
/// Answers InvalidArgument, not Unknown, when the database refused the data a call carried. PostgreSQL puts
/// such errors in SQLSTATE class 22, "data exception": a NUL byte (22021), a value too long for its column
/// (22001), a number out of range (22003). They are the caller's fault, yet without this gRPC turns them,
/// like any unhandled exception, into Unknown, which the gateway reports as 502. A service validates its
/// input first; this catches what its checks missed.
/// </summary>
/// <remarks>
/// The detail names the SQLSTATE only: the server's own message can quote the value, and a detail goes back
/// in grpc-message. The exception stays with the status for the server's log. Unary calls only, the only kind
/// the services have.
/// </remarks>
public sealed class DataExceptionInterceptor : Interceptor
{
    private const string DataExceptionClass = "22";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (FindDataException(ex) is { } data)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the database refused a value (SQLSTATE {data.SqlState})", ex));
        }
    }

    // EF Core wraps the provider's exception (DbUpdateException); a query throws it bare.
    private static DbException? FindDataException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException { SqlState: { Length: 5 } state } db && state.StartsWith(DataExceptionClass, StringComparison.Ordinal))
            {
                return db;
            }
        }

        return null;
    }
}
