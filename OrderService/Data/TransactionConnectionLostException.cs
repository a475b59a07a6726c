using System.Data.Common;

namespace DistributedTracing.OrderService.Data;

/// <summary>
/// The connection under an order's transaction broke (PostgreSQL restarting, say) and Npgsql then refused to go on
/// with the transaction ("Transaction is already completed", an InvalidOperationException). That is the database
/// going away, not a bug: transient, so EF's retrying strategy tries the order again on a fresh connection (the
/// idempotency key's unique row stops a second order if the commit did land) and, if the database stays away,
/// the caller is told to try again later (Unavailable, 503) rather than that something failed (Unknown, 502).
/// </summary>
public sealed class TransactionConnectionLostException(Exception cause)
    : DbException("The connection to the database broke during the order's transaction.", cause)
{
    public override bool IsTransient => true;
}
