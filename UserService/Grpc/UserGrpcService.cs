using System.Net.Mail;
using DistributedTracing.UserService.Data;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistributedTracing.UserService.Grpc;

/// <summary>The users API: bad input is InvalidArgument, an unknown id NotFound, a taken email AlreadyExists.</summary>
public sealed class UserGrpcService(UsersDbContext db, ILogger<UserGrpcService> logger) : UserService.UserServiceBase
{
    public override async Task<User> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var name = request.Name.Trim();
        var email = request.Email.Trim();
        if (name.Length is 0 or > 200)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name must be 1 to 200 characters"));
        }

        if (email.Length > 320 || !MailAddress.TryCreate(email, out var address) || address.Address != email)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"'{email}' is not an email address"));
        }

        var user = new Data.User { Name = name, Email = email };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"a user with email '{email}' exists"));
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
