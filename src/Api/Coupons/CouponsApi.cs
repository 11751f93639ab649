using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Api.Queues;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Coupons;

public static class CouponsApi
{
    public const int DefaultPageSize = 20;

    public static IEndpointRouteBuilder MapCouponsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/coupons").WithTags("Coupons")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", CreateCouponAsync).RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", ListCouponsAsync).AllowAnonymous().WithName("ListCoupons")
            .WithSummary("Every coupon by id, or with open=true those that can still be issued (copies left, not expired); paged.");
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

    /// <summary>Which coupons match comes from the coupon directory (told by each coupon when it is stored and when
    /// it sells out); quantities are live, from each coupon of the page, and with open=true a coupon the live read finds
    /// closed is left out even if the directory has not heard yet.</summary>
    public static async Task<Results<Ok<CouponPageResponse>, ValidationProblem>> ListCouponsAsync(IGrainFactory grains,
        TimeProvider clock, bool? open, int? page, int? size)
    {
        var validation = new RequestValidation()
            .InRange(page ?? 1, 1, int.MaxValue, "page")
            .InRange(size ?? DefaultPageSize, 1, CouponPageResponse.MaxPageSize, "size");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var openOnly = open ?? false;
        var found = await grains.GetGrain<ICouponDirectoryGrain>(ICouponDirectoryGrain.Key)
            .SearchAsync(new CouponDirectoryQuery(page ?? 1, size ?? DefaultPageSize, openOnly));
        var coupons = await Task.WhenAll(found.Items.Select(c => grains.GetGrain<ICouponGrain>(c.CouponId).GetAsync()));
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new CouponPageResponse(
            coupons.Where(c => !openOnly || (c.Remaining > 0 && now < c.ExpiresAt)).Select(CouponResponse.From).ToList(),
            found.Page, found.Size, found.Total));
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
        // Sold out, already issued or expired comes back as a value: the flood after the last copy throws nothing.
        var outcome = await grains.GetGrain<ICouponGrain>(couponId).TryIssueAsync(request.UserId!.Value);
        if (outcome.Issued is not { } issued)
        {
            return ApiExceptionHandler.ProblemFor(outcome.Refusal!);
        }

        return TypedResults.Created($"/api/v1/users/{issued.UserId}/coupons", IssuedCouponResponse.From(issued));
    }
}
