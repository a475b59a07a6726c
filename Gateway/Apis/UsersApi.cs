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
        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var request = new CreateUserRequest { Name = body.Name!.Trim(), Email = body.Email!.Trim() };
        var user = await users.CreateUserAsync(request, cancellationToken: cancellationToken);
        return TypedResults.Created($"/api/users/{user.Id}", new UserResponse(user.Id, user.Name, user.Email));
    }

    private static Dictionary<string, string[]> Validate(CreateUserBody body)
    {
        var errors = new Dictionary<string, string[]>();
        if (TextInput.Problem("name", body.Name, TextInput.MaxNameLength) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        // The length is checked before the address is parsed, so a huge value costs nothing to refuse.
        var emailProblem = TextInput.Problem("email", body.Email, TextInput.MaxEmailLength)
            ?? (IsPlainAddress(body.Email!.Trim()) ? null : "email must be an email address");
        if (emailProblem is not null)
        {
            errors["email"] = [emailProblem];
        }

        return errors;
    }

    // MailAddress also takes "Ada <ada@example.com>"; UserService stores the bare address only.
    private static bool IsPlainAddress(string email) => MailAddress.TryCreate(email, out var address) && address.Address == email;

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
