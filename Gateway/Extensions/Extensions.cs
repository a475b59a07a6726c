using OrdersClient = DistributedTracing.OrderService.Grpc.OrderService.OrderServiceClient;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.Gateway.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // "_grpc" picks each service's HTTP/2 endpoint (services__name__grpc__0).
        builder.Services.AddGrpcClient<UsersClient>(o => o.Address = new Uri("http://_grpc.userservice"));
        builder.Services.AddGrpcClient<OrdersClient>(o => o.Address = new Uri("http://_grpc.orderservice"));
        return builder;
    }
}
