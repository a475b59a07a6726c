using Npgsql;

namespace DistributedTracing.AppHost.Tests.Faults;

/// <summary>
/// What the databases hold, read straight from PostgreSQL (not through the services, which may be the thing
/// that failed): the orders of a stream, their notifications, and the outbox's backlog.
/// </summary>
public sealed class OrderLedger(string ordersDb, string notificationsDb)
{
    /// <summary>Every stored order whose lines carry the stream's SKUs: order id → SKUs of its lines.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<string>>> OrdersAsync(string prefix)
    {
        await using var connection = await OpenAsync(ordersDb);
        await using var command = new NpgsqlCommand("""SELECT "OrderId", "Sku" FROM order_lines WHERE "Sku" LIKE @prefix""", connection);
        command.Parameters.AddWithValue("prefix", prefix + "-%");
        var orders = new Dictionary<long, List<string>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            (orders.TryGetValue(id, out var lines) ? lines : orders[id] = []).Add(reader.GetString(1));
        }

        return orders.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value);
    }

    /// <summary>Every order id that has an order row (lines or not), to tell an orphan notification.</summary>
    public async Task<HashSet<long>> AllOrderIdsAsync()
    {
        await using var connection = await OpenAsync(ordersDb);
        await using var command = new NpgsqlCommand("""SELECT "Id" FROM orders""", connection);
        return await ReadIdsAsync(command);
    }

    /// <summary>Notification count per order id, for every notification stored.</summary>
    public async Task<IReadOnlyDictionary<long, int>> NotificationsAsync()
    {
        await using var connection = await OpenAsync(notificationsDb);
        await using var command = new NpgsqlCommand("""SELECT "OrderId", count(*) FROM notifications GROUP BY "OrderId" """, connection);
        var counts = new Dictionary<long, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetInt64(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Rows in the outbox not yet published.</summary>
    public async Task<long> OutboxPendingAsync()
    {
        await using var connection = await OpenAsync(ordersDb);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<HashSet<long>> ReadIdsAsync(NpgsqlCommand command)
    {
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    // No pooling: a restarted server must not hand the test a dead pooled connection.
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
