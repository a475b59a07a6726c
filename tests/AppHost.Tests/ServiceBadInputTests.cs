using Aspire.Hosting.Testing;
using DistributedTracing.ServiceDefaults.GrpcServer;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using CreateUserRequest = DistributedTracing.UserService.Grpc.CreateUserRequest;
using OrderLine = DistributedTracing.OrderService.Grpc.OrderLine;
using OrdersClient = DistributedTracing.OrderService.Grpc.OrderService.OrderServiceClient;
using PlaceOrderRequest = DistributedTracing.OrderService.Grpc.PlaceOrderRequest;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.AppHost.Tests;

/// <summary>
/// A caller can reach UserService and OrderService without the gateway: they refuse the same bad input
/// themselves with InvalidArgument and a short grpc-message that never carries the value, and a database
/// error caused by bad data is InvalidArgument too (DataExceptionInterceptor).
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ServiceBadInputTests(SharedAppFixture fixture)
{
    private TestApp App => fixture.App;

    public static TheoryData<string, string> BadUsers => new()
    {
        { "nul-name", "mail" },
        { "name", "nul-mail" },
        { "name", "huge-mail" },
        { "huge-name", "mail" },
    };

    [Theory]
    [MemberData(nameof(BadUsers))]
    public async Task UserService_refuses_bad_input_without_echoing_it(string name, string email)
    {
        var marker = Guid.NewGuid().ToString("N");
        string Value(string kind) => kind switch
        {
            "nul-name" => $"Ada\0{marker}",
            "huge-name" => marker + new string('n', 10_000),
            "nul-mail" => $"{marker}\0@example.com",
            "huge-mail" => marker + new string('m', 100_000) + "@example.com",
            "mail" => $"{Guid.NewGuid():N}@example.com",
            _ => kind,
        };
        using var channel = Channel("userservice");
        var users = new UsersClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            users.CreateUserAsync(new CreateUserRequest { Name = Value(name), Email = Value(email) }, deadline: Deadline()).ResponseAsync);

        AssertShortInvalidArgument(error, marker);
    }

    [Theory]
    [InlineData("nul")]
    [InlineData("huge")]
    public async Task OrderService_refuses_bad_skus_without_echoing_them(string kind)
    {
        var marker = Guid.NewGuid().ToString("N");
        var sku = kind == "nul" ? $"mug\0{marker}" : marker + new string('s', 10_000);
        using var channel = Channel("orderservice");
        var orders = new OrdersClient(channel);
        var request = new PlaceOrderRequest { UserId = 1 };
        request.Items.Add(new OrderLine { Sku = sku, Quantity = 1, UnitPriceCents = 100 });

        var error = await Assert.ThrowsAsync<RpcException>(() => orders.PlaceOrderAsync(request, deadline: Deadline()).ResponseAsync);

        AssertShortInvalidArgument(error, marker);
    }

    [Fact]
    public async Task A_database_data_exception_is_InvalidArgument_without_the_value()
    {
        // A NUL byte that got past a service's checks: PostgreSQL itself refuses it (SQLSTATE 22021).
        var marker = Guid.NewGuid().ToString("N");
        await using var dataSource = NpgsqlDataSource.Create((await App.App.GetConnectionStringAsync("usersdb"))!);
        async Task<string> SendNul(string request, ServerCallContext context)
        {
            await using var command = dataSource.CreateCommand("SELECT @value::text");
            command.Parameters.AddWithValue("value", request);
            return (string)(await command.ExecuteScalarAsync())!;
        }

        // The interceptor only passes the call context on to the handler, which ignores it here.
        var error = await Assert.ThrowsAsync<RpcException>(() => new DataExceptionInterceptor().UnaryServerHandler($"{marker}\0", null!, SendNul));

        AssertShortInvalidArgument(error, marker);
        Assert.Contains("SQLSTATE 22021", error.Status.Detail, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.Status.DebugException);
    }

    private GrpcChannel Channel(string service) => GrpcChannel.ForAddress(App.App.GetEndpoint(service, "grpc"));

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

    private static void AssertShortInvalidArgument(RpcException error, string marker)
    {
        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"expected InvalidArgument, got {error.StatusCode}: {error.Status.Detail[..Math.Min(error.Status.Detail.Length, 300)]}");
        Assert.DoesNotContain(marker, error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 200, $"a grpc-message of {error.Status.Detail.Length} characters");
    }
}
