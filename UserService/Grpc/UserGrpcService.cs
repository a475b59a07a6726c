using System.Net.Mail;
using DistributedTracing.UserService.Data;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistributedTracing.UserService.Grpc;

/// <summary>The users API: bad input is InvalidArgument, an unknown id NotFound, a taken email AlreadyExists.</summary>
public sealed class UserGrpcService(UsersDbContext db, ILogger<UserGrpcService> logger) : UserService.UserServiceBase
{
    // The columns' lengths (UsersDbContext); 320 is RFC 5321's limit on an address.
    private const int MaxNameLength = 200;
    private const int MaxEmailLength = 320;

    public override async Task<User> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var name = request.Name.Trim();
        var email = request.Email.Trim();
        // The gateway checks the same, but a direct caller may not have passed it. Details name the rule,
        // never the value: it goes back in grpc-message, and a huge one breaks the caller's HTTP/2 trailers.
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"name must be 1 to {MaxNameLength} characters, none of them control characters"));
        }

        if (email.Length > MaxEmailLength || email.Any(char.IsControl) || !MailAddress.TryCreate(email, out var address) || address.Address != email)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"email must be an email address of up to {MaxEmailLength} characters"));
        }

        var user = new Data.User { Name = name, Email = email };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, "a user with that email exists"));
        }

        logger.LogInformation("Created user {UserId}", user.Id);
        return ToMessage(user);
    }

    public override async Task<User> GetUser(GetUserRequest request, ServerCallContext context)
    {
        if (request.Id < 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "id must be 1 or more"));
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.Id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"user {request.Id} does not exist"));
        return ToMessage(user);
    }

    private static User ToMessage(Data.User user) => new() { Id = user.Id, Name = user.Name, Email = user.Email };
}
