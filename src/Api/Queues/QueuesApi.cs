using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Queues;

/// <summary>Flash-sale waiting rooms: admins put a coupon or a product behind one; users take a token and poll it.
/// The gates themselves are in the coupon and product grains (see <see cref="QueuePass"/>).</summary>
public static class QueuesApi
{
    private const int MaxTokenLength = 64;

    public static IEndpointRouteBuilder MapQueuesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/v1/admin/queues").WithTags("Waiting rooms")
            .RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPut("/{kind}/{id}", OpenQueueAsync).WithName("OpenQueue")
            .WithSummary("Puts the coupon or product behind a waiting room (or changes its settings); intervals in seconds.");
        admin.MapGet("/{kind}/{id}", GetQueueAsync).WithName("GetQueue")
            .WithSummary("The waiting room's settings, token count and admissions per interval boundary.");
        admin.MapDelete("/{kind}/{id}", CloseQueueAsync).WithName("CloseQueue")
            .WithSummary("Removes the waiting room and its tokens; 204 also when there was none.");

        var users = routes.MapGroup("/api/v1/queues").WithTags("Waiting rooms")
            .RequireAuthorization(AuthPolicies.User)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{kind}/{id}/tokens", TakeTokenAsync).WithName("TakeQueueToken")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Takes the caller's place in the waiting room: 201 with the token, the same one when the caller already holds one.");
        users.MapGet("/{kind}/{id}/tokens/{token}", GetTokenAsync).WithName("GetQueueToken")
            .WithSummary("The caller's token: WAITING, ADMITTED (until admittedUntil) or EXPIRED.");
        return routes;
    }

    public static async Task<Results<Ok<QueueResponse>, ValidationProblem>> OpenQueueAsync(string kind, long id,
        QueueSettingsRequest request, IGrainFactory grains)
    {
        var validation = ValidateTarget(kind, id)
            .InRange(request.AdmitPerInterval, 1, QueueSettings.MaxAdmitPerInterval, "admitPerInterval")
            .Check(InSeconds(request.Interval, QueueSettings.MinInterval, QueueSettings.MaxInterval), "interval",
                $"interval must be {QueueSettings.MinInterval.TotalSeconds}..{QueueSettings.MaxInterval.TotalSeconds} seconds.")
            .Check(InSeconds(request.AdmissionWindow, QueueSettings.MinAdmissionWindow, QueueSettings.MaxAdmissionWindow),
                "admissionWindow",
                $"admissionWindow must be {QueueSettings.MinAdmissionWindow.TotalSeconds}..{QueueSettings.MaxAdmissionWindow.TotalSeconds} seconds.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var settings = new QueueSettings((int)request.AdmitPerInterval!.Value, Seconds(request.Interval!.Value),
            Seconds(request.AdmissionWindow!.Value));
        var view = await Queue(grains, kind, id).OpenAsync(settings);
        return TypedResults.Ok(QueueResponse.From(view));
    }

    public static async Task<Results<Ok<QueueResponse>, ValidationProblem>> GetQueueAsync(string kind, long id,
        IGrainFactory grains)
    {
        var validation = ValidateTarget(kind, id);
        return validation.IsValid
            ? TypedResults.Ok(QueueResponse.From(await Queue(grains, kind, id).GetAsync()))
            : validation.ToProblem();
    }

    public static async Task<Results<NoContent, ValidationProblem>> CloseQueueAsync(string kind, long id,
        IGrainFactory grains)
    {
        var validation = ValidateTarget(kind, id);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        await Queue(grains, kind, id).CloseAsync();
        return TypedResults.NoContent();
    }

    /// <summary>The caller's own place, for the user of the bearer token; asking again answers the same token.</summary>
    /// <summary>201 also for a repeat (the contract's shape): the answer names the one token the user holds.</summary>
    public static async Task<Results<Created<QueueTicketResponse>, ValidationProblem>> TakeTokenAsync(
        string kind, long id, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = ValidateTarget(kind, id);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var ticket = await Queue(grains, kind, id).TakeTokenAsync(caller.UserId()!.Value);
        var response = new QueueTicketResponse(ticket.Token, ticket.Position);
        return TypedResults.Created($"/api/v1/queues/{kind}/{id}/tokens/{ticket.Token}", response);
    }

    /// <summary>Another user's token is answered as unknown (404), like a made-up one.</summary>
    public static async Task<Results<Ok<QueueTokenResponse>, ValidationProblem>> GetTokenAsync(string kind, long id,
        string token, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = ValidateTarget(kind, id)
            .Check(token.Length is > 0 and <= MaxTokenLength, "token", $"token must be 1..{MaxTokenLength} characters.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var view = await Queue(grains, kind, id).GetTokenAsync(caller.UserId()!.Value, token);
        return TypedResults.Ok(QueueTokenResponse.From(view));
    }

    /// <summary>The edge's part of a gate: hands the request's Queue-Token, for the user it already checked, to the
    /// grain calls that follow.</summary>
    public static void AttachQueueToken(this HttpContext http, long userId) =>
        QueuePass.Attach(userId, http.Request.Headers[QueuePass.Header].FirstOrDefault() is { Length: <= MaxTokenLength } token
            ? token
            : http.Request.Headers.ContainsKey(QueuePass.Header) ? "invalid" : null);

    private static RequestValidation ValidateTarget(string kind, long id) =>
        new RequestValidation()
            .Check(kind is "coupons" or "products", "kind", "kind must be coupons or products.")
            .Id(id, "id");

    private static IQueueGrain Queue(IGrainFactory grains, string kind, long id) =>
        grains.GetGrain<IQueueGrain>(new QueueTarget(kind == "coupons" ? QueueKind.Coupons : QueueKind.Products, id).Key);

    private static bool InSeconds(double? seconds, TimeSpan min, TimeSpan max) =>
        seconds is { } value && double.IsFinite(value) && value >= min.TotalSeconds && value <= max.TotalSeconds;

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
}
