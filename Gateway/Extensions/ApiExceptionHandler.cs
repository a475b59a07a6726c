using DistributedTracing.ServiceDefaults.GrpcServer;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace DistributedTracing.Gateway.Extensions;

/// <summary>
/// Problem details for what the endpoints do not handle themselves: a body that is not JSON of the right
/// shape (400), and a failed gRPC call, mapped to the HTTP status a REST caller expects.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            context.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = badRequest.StatusCode, Detail = badRequest.InnerException?.Message ?? badRequest.Message },
            });
        }

        if (exception is not RpcException rpc)
        {
            return false;
        }

        // A call that never got an answer (the resilience pipeline gave up, the connection failed) is
        // Internal to gRPC; for the caller it is a service away, to be tried again later.
        var away = rpc.StatusCode == StatusCode.Internal && DependencyFailure.IsDependencyAway(rpc);
        var status = away ? StatusCodes.Status503ServiceUnavailable : rpc.StatusCode switch
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
                Detail = away ? "a service behind the gateway is unavailable; try again later" : Shorten(rpc.Status.Detail),
                Extensions = { ["grpcStatus"] = (away ? StatusCode.Unavailable : rpc.StatusCode).ToString() },
            },
        });
    }

    /// <summary>
    /// A service's status detail, cut short: the services never echo input, but a detail from a part we
    /// do not control (a proxy, a library) should not grow a REST answer either.
    /// </summary>
    private static string Shorten(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";

    private const int MaxDetailLength = 200;
}
