using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Api.Queues;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Coupons;

public static class CouponsApi
{
    public static IEndpointRouteBuilder MapCouponsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/coupons").WithTags("Coupons")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", CreateCouponAsync).RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{couponId}", GetCouponAsync).AllowAnonymous();
        group.MapPost("/{couponId}/issue", IssueCouponAsync).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(AuthPolicies.User)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public static async Task<Results<Created<CouponResponse>, ValidationProblem>> CreateCouponAsync(
        CreateCouponRequest request, IGrainFactory grains)
    {
        var validation = new RequestValidation()
            .Required(request.Name, "name")
            .Required(request.DiscountAmount, "discountAmount")
            .InRange(request.TotalQuantity, 1, int.MaxValue, "totalQuantity")
            .Required(request.ExpiresAt, "expiresAt");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var couponId = await grains.GetGrain<IIdAllocatorGrain>(IdSequences.Coupon).NextIdAsync();
        var coupon = await grains.GetGrain<ICouponGrain>(couponId).CreateAsync(request.Name!,
            request.DiscountAmount!.Value, (int)request.TotalQuantity!.Value, request.ExpiresAt!.Value);
        return TypedResults.Created($"/api/v1/coupons/{couponId}", CouponResponse.From(coupon));
    }

    public static async Task<Results<Ok<CouponResponse>, ValidationProblem>> GetCouponAsync(long couponId,
        IGrainFactory grains)
    {
        var validation = new RequestValidation().Id(couponId, "couponId");
        return validation.IsValid
            ? TypedResults.Ok(CouponResponse.From(await grains.GetGrain<ICouponGrain>(couponId).GetAsync()))
            : validation.ToProblem();
    }

    /// <summary>First come, first served; the coupon grain decides, one user at a time. A user takes a copy for
    /// themselves only.</summary>
    public static async Task<Results<Created<IssuedCouponResponse>, ValidationProblem, ProblemHttpResult>> IssueCouponAsync(
        long couponId, IssueCouponRequest request, IGrainFactory grains, ClaimsPrincipal caller, HttpContext http)
    {
        var validation = new RequestValidation().Id(couponId, "couponId").Id(request.UserId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.Is(request.UserId!.Value))
        {
            return Caller.Forbidden(request.UserId.Value);
        }

        // Behind a waiting room the coupon grain asks for the Queue-Token header (QUEUE_TOKEN_REQUIRED, 403).
        http.AttachQueueToken(request.UserId.Value);
        var issued = await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(request.UserId!.Value);
        return TypedResults.Created($"/api/v1/users/{issued.UserId}/coupons", IssuedCouponResponse.From(issued));
    }
}
