using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace DistributedTracing.Gateway.Extensions;

/// <summary>Turns a failed gRPC call into the HTTP status and problem details a REST caller expects.</summary>
public sealed class GrpcStatusExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RpcException rpc)
        {
            return false;
        }

        var status = rpc.StatusCode switch
        {
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            StatusCode.AlreadyExists => StatusCodes.Status409Conflict,
            StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
            StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
            _ => StatusCodes.Status502BadGateway,
        };
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Detail = rpc.Status.Detail,
                Extensions = { ["grpcStatus"] = rpc.StatusCode.ToString() },
            },
        });
    }
}
