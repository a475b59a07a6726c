using DistributedTracing.Shopper;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddShopper();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
