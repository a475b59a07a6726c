using System.Net.Mail;
using DistributedTracing.UserService.Grpc;
using UsersClient = DistributedTracing.UserService.Grpc.UserService.UserServiceClient;

namespace DistributedTracing.Gateway.Apis;

public sealed record CreateUserBody(string? Name, string? Email);

public sealed record UserResponse(long Id, string Name, string Email);

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/users", CreateUserAsync);
        app.MapGet("/api/users/{id:long}", GetUserAsync);
        return app;
    }

    private static async Task<IResult> CreateUserAsync(CreateUserBody body, UsersClient users, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            errors["name"] = ["name is required, up to 200 characters"];
        }

        if (string.IsNullOrWhiteSpace(body.Email) || !MailAddress.TryCreate(body.Email, out _))
        {
            errors["email"] = ["email must be an email address"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await users.CreateUserAsync(new CreateUserRequest { Name = body.Name, Email = body.Email }, cancellationToken: cancellationToken);
        return TypedResults.Created($"/api/users/{user.Id}", new UserResponse(user.Id, user.Name, user.Email));
    }

    private static async Task<IResult> GetUserAsync(long id, UsersClient users, CancellationToken cancellationToken)
    {
        if (id < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["id must be 1 or more"] });
        }

        var user = await users.GetUserAsync(new GetUserRequest { Id = id }, cancellationToken: cancellationToken);
        return TypedResults.Ok(new UserResponse(user.Id, user.Name, user.Email));
    }
}
