using DistributedTracing.Gateway.Apis;
using DistributedTracing.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseTraceResponse();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapUsersApi();
app.MapOrdersApi();
app.Run();
