using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// The whole app with a second OrderService instance, <c>orderservice2</c>, on the same ordersdb and broker (the
/// gateway calls only the first): two outbox relays competing for the same rows. Shared by the outbox and
/// idempotency-key tests, which stop and restart parts of it and leave them running again.
/// </summary>
public sealed class OutboxAppFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(configure: AddSecondOrderService);

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>A replica declared like orderservice in AppHost/Program.cs, with the same references.</summary>
    private static void AddSecondOrderService(IDistributedApplicationTestingBuilder builder)
    {
        T Resource<T>(string name) where T : IResource => builder.Resources.OfType<T>().Single(r => r.Name == name);
        var ordersDb = builder.CreateResourceBuilder(Resource<IResourceWithConnectionString>("ordersdb"));
        var messaging = builder.CreateResourceBuilder(Resource<IResourceWithConnectionString>("messaging"));
        var userService = builder.CreateResourceBuilder<IResourceWithServiceDiscovery>(Resource<ProjectResource>("userservice"));
        builder.AddProject<Projects.OrderService>("orderservice2")
            .WithHttpEndpoint().WithGrpcEndpoint().WithHttpHealthCheck("/health")
            .WithReference(ordersDb).WithReference(messaging).WithReference(userService)
            .WaitFor(ordersDb).WaitFor(messaging).WaitFor(userService);
    }

    /// <summary>Runs one scalar query against a database of the app (ordersdb, notificationsdb).</summary>
    public async Task<T> QueryAsync<T>(string database, string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create((await App.App.GetConnectionStringAsync(database))!);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Places an order through the gateway; the answer is the caller's to check and dispose.</summary>
    public Task<HttpResponseMessage> PlaceOrderAsync(string sku, int quantity = 1, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { userId = 1, items = new[] { new { sku, quantity, unitPrice = 2.50m } } }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return App.Gateway.SendAsync(request, cancellationToken);
    }

    public static async Task<long> OrderIdOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
}

[CollectionDefinition(Name)]
public sealed class OutboxAppCollection : ICollectionFixture<OutboxAppFixture>
{
    public const string Name = "outbox app";
}
