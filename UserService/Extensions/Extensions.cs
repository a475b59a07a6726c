using DistributedTracing.Data;
using DistributedTracing.ServiceDefaults.GrpcServer;
using DistributedTracing.UserService.Data;

namespace DistributedTracing.UserService.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<UsersDbContext>("usersdb", DemoUsers.AddMissingAsync);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<DataExceptionInterceptor>();
            grpc.Interceptors.Add<DependencyExceptionInterceptor>();
        });
        return builder;
    }
}
