using DistributedTracing.Hosting;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Postgres;
using DistributedTracing.Hosting.RabbitMQ;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: real servers from the system's packages, fresh for each run.
var dashboard = builder.AddDashboard();
var postgres = builder.AddPostgres("postgres");
var usersDb = postgres.AddDatabase("usersdb");
var ordersDb = postgres.AddDatabase("ordersdb");
var notificationsDb = postgres.AddDatabase("notificationsdb");
var messaging = builder.AddRabbitMQ("messaging");

// Services: each WithReference is an edge of the call tree.
var userService = builder.AddProject("userservice", "UserService/UserService.csproj", grpc: true)
    .WithReference(usersDb).WaitFor(usersDb).WaitFor(dashboard);

var orderService = builder.AddProject("orderservice", "OrderService/OrderService.csproj", grpc: true)
    .WithReference(ordersDb).WithReference(messaging).WithReference(userService)
    .WaitFor(ordersDb).WaitFor(messaging).WaitFor(userService);

builder.AddProject("notificationworker", "NotificationWorker/NotificationWorker.csproj")
    .WithReference(notificationsDb).WithReference(messaging).WithReference(userService)
    .WaitFor(notificationsDb).WaitFor(messaging).WaitFor(userService);

// Front ends: the gateway, and a simulated customer calling it over HTTP.
var gateway = builder.AddProject("gateway", "Gateway/Gateway.csproj")
    .WithHttpEndpoint(port: int.TryParse(builder.Configuration["Gateway:Port"], out var port) ? port : 5080)
    .WithReference(userService).WithReference(orderService)
    .WaitFor(orderService);

builder.AddProject("shopper", "Shopper/Shopper.csproj")
    .WithReference(gateway).WaitFor(gateway);

builder.Build().Run();

public partial class Program;
