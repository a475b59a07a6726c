using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);
builder.UseHttpOnlyProjects();
builder.RunProjectsFromBuildOutput();

// Infrastructure: Aspire's PostgreSQL and RabbitMQ containers where containers run, else the machine's own servers.
// Each resource that crashes is started again (Hosting/RestartPolicy); a stop asked for by a person stays.
var postgres = builder.AddPostgresServer("postgres");
postgres.Server.WithRestartPolicy();
var usersDb = postgres.AddDatabase("usersdb");
var ordersDb = postgres.AddDatabase("ordersdb");
var notificationsDb = postgres.AddDatabase("notificationsdb");
var messaging = builder.AddRabbitMQServer("messaging").WithRestartPolicy();

// The Trace Lab collects every service's telemetry and forwards it to Aspire's dashboard.
builder.AddTraceLab<Projects.TraceLab>("tracelab").WithRestartPolicy();
builder.UseConfiguredTraceSampler();

// Messages piling up and draining: queue depths and the outbox backlog, live in both dashboards.
builder.AddQueueMonitoring(messaging, ordersDb);

// Services: each WithReference is an edge of the call tree. Neither OrderService (its outbox keeps the
// messages) nor the worker (it reconnects by itself) needs RabbitMQ to run, so they wait for it only when the
// app starts: a crashed one comes back while the broker is away too.
var userService = builder.AddProject<Projects.UserService>("userservice")
    .WithHttpEndpoint().WithGrpcEndpoint().WithHttpHealthCheck("/health").WithRestartPolicy()
    .WithReference(usersDb).WaitFor(usersDb);

var orderService = builder.AddProject<Projects.OrderService>("orderservice")
    .WithHttpEndpoint().WithGrpcEndpoint().WithHttpHealthCheck("/health").WithRestartPolicy()
    .WithReference(ordersDb).WithReference(messaging).WithReference(userService)
    .WaitFor(ordersDb).WaitFor(userService).WaitForOnFirstStart(messaging);

builder.AddProject<Projects.NotificationWorker>("notificationworker")
    .WithHttpEndpoint().WithHttpHealthCheck("/health").WithRestartPolicy()
    .WithReference(notificationsDb).WithReference(messaging).WithReference(userService)
    .WaitFor(notificationsDb).WaitFor(userService).WaitForOnFirstStart(messaging);

// Front ends: the gateway on a fixed port, and a simulated customer calling it over HTTP.
var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithHttpEndpoint(port: builder.Configuration.GetValue("Gateway:Port", 5080) is > 0 and var port ? port : null) // 0: any free port
    .WithHttpHealthCheck("/health").WithRestartPolicy()
    .WithReference(userService).WithReference(orderService)
    .WaitFor(orderService);

builder.AddProject<Projects.Shopper>("shopper")
    .WithHttpEndpoint().WithHttpHealthCheck("/health").WithRestartPolicy()
    .WithReference(gateway).WaitFor(gateway);

builder.Build().Run();
