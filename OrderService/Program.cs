using DistributedTracing.OrderService.Extensions;
using DistributedTracing.OrderService.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<OrderGrpcService>();
app.Run();
