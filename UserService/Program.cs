using DistributedTracing.UserService.Extensions;
using DistributedTracing.UserService.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<UserGrpcService>();
app.Run();
