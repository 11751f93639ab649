using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Api.Idempotency;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace ECommerce.Api.Users;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users").WithTags("Users")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(AuthPolicies.User)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("", CreateUserAsync).ProducesProblem(StatusCodes.Status409Conflict).AllowAnonymous();
        group.MapGet("/{userId}", GetUserAsync);
        group.MapGet("/{userId}/balance", GetBalanceAsync);
        group.MapPost("/{userId}/balance/charge", ChargeAsync)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{userId}/balance/history", GetHistoryAsync);
        group.MapGet("/{userId}/coupons", GetCouponsAsync);
        return routes;
    }

    public static async Task<Results<Created<UserResponse>, ValidationProblem>> CreateUserAsync(
        CreateUserRequest request, IGrainFactory grains, IPasswordHasher<Account> hasher)
    {
        var validation = new RequestValidation()
            .Required(request.Name, "name")
            .Required(request.Email, "email")
            .Check(request.Password is { Length: >= Account.MinPasswordLength and <= Account.MaxPasswordLength }, "password",
                $"password must have {Account.MinPasswordLength}..{Account.MaxPasswordLength} characters.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var passwordHash = hasher.HashPassword(Account.Any, request.Password!);
        var userId = await grains.GetGrain<IIdAllocatorGrain>(IdSequences.User).NextIdAsync();
        var profile = await grains.GetGrain<IUserGrain>(userId).RegisterAsync(request.Name!, request.Email!, passwordHash);
        return TypedResults.Created($"/api/v1/users/{userId}", UserResponse.From(profile));
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> GetUserAsync(long userId,
        IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        return caller.CanRead(userId)
            ? TypedResults.Ok(UserResponse.From(await grains.GetGrain<IUserGrain>(userId).GetAsync()))
            : Caller.Forbidden(userId);
    }

    public static async Task<Results<Ok<BalanceResponse>, ValidationProblem, ProblemHttpResult>> GetBalanceAsync(long userId,
        IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        return caller.CanRead(userId)
            ? TypedResults.Ok(BalanceResponse.From(await grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()))
            : Caller.Forbidden(userId);
    }

    /// <summary>With an Idempotency-Key the key is also the wallet's request id, so even a re-run charges once.
    /// Only the wallet's own user may charge it.</summary>
    public static async Task<Results<Ok<BalanceResponse>, ValidationProblem, ProblemHttpResult>> ChargeAsync(
        long userId, ChargeRequest request, [FromHeader(Name = IdempotentRequest.Header)] string? idempotencyKey,
        IGrainFactory grains, HttpContext http)
    {
        var keyCheck = new RequestValidation().Id(userId, "userId").Key(idempotencyKey);
        if (!keyCheck.IsValid)
        {
            return keyCheck.ToProblem();
        }

        var amountCheck = new RequestValidation().InRange(request.Amount, 1, 10_000_000, "amount");
        if (!amountCheck.IsValid)
        {
            return amountCheck.ToProblem(DomainErrors.InvalidAmount);
        }

        if (!http.User.Is(userId))
        {
            return Caller.Forbidden(userId);
        }

        var result = await IdempotentRequest.RunAsync(http, grains, "charge", idempotencyKey,
            new { userId, request.Amount }, idSequence: null, StatusCodes.Status200OK,
            async _ => BalanceResponse.From(
                await grains.GetGrain<IUserGrain>(userId).ChargeAsync(request.Amount!.Value, idempotencyKey)));
        return result.Problem is { } problem ? problem : TypedResults.Ok(result.Value!);
    }

    public static async Task<Results<Ok<IReadOnlyList<BalanceHistoryResponse>>, ValidationProblem, ProblemHttpResult>> GetHistoryAsync(
        long userId, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.CanRead(userId))
        {
            return Caller.Forbidden(userId);
        }

        var history = await grains.GetGrain<IUserGrain>(userId).GetHistoryAsync();
        return TypedResults.Ok<IReadOnlyList<BalanceHistoryResponse>>(history.Select(BalanceHistoryResponse.From).ToList());
    }

    public static async Task<Results<Ok<IReadOnlyList<UserCouponResponse>>, ValidationProblem, ProblemHttpResult>> GetCouponsAsync(
        long userId, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.CanRead(userId))
        {
            return Caller.Forbidden(userId);
        }

        var couponIds = await grains.GetGrain<IUserGrain>(userId).GetCouponIdsAsync();
        var coupons = await Task.WhenAll(couponIds.Select(id => grains.GetGrain<ICouponGrain>(id).GetUserCouponAsync(userId)));
        return TypedResults.Ok<IReadOnlyList<UserCouponResponse>>(
            coupons.OfType<UserCouponView>().Select(UserCouponResponse.From).ToList());
    }
}
