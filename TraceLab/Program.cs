using DistributedTracing.TraceLab.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddTraceLab();

var app = builder.Build();
app.MapTraceLab();
app.Run();
