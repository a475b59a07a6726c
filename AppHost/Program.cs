using DistributedTracing.Hosting;
using DistributedTracing.Hosting.ApplicationModel;
using DistributedTracing.Hosting.Postgres;
using DistributedTracing.Hosting.RabbitMQ;

var builder = DistributedApplication.CreateBuilder(args);

var dashboard = builder.AddDashboard();

var postgres = builder.AddPostgres("postgres");
var usersDb = postgres.AddDatabase("usersdb");
var ordersDb = postgres.AddDatabase("ordersdb");
var notificationsDb = postgres.AddDatabase("notificationsdb");

var messaging = builder.AddRabbitMQ("messaging");

builder.Build().Run();

public partial class Program;
