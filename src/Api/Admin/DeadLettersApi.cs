using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Silo.DataPlatform;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Admin;

public sealed record DeadLetterResponse(Guid Id, string Destination, string EventType, string Payload,
    DateTimeOffset OccurredAt, string Status, long Attempts, string? LastError, DateTimeOffset CreatedAt,
    DateTimeOffset? ReplayedAt)
{
    public static DeadLetterResponse From(DeadLetter letter) =>
        new(letter.Id, letter.Destination, letter.EventType, letter.Payload, letter.OccurredAt,
            letter.Status.ToString().ToUpperInvariant(), letter.Attempts, letter.LastError, letter.CreatedAt,
            letter.ReplayedAt);
}

public sealed record ReplayResponse(Guid Id, string Status);

/// <summary>Events the data platform never took, and a replay of one.</summary>
public static class DeadLettersApi
{
    public const string DeadLetterNotFound = "DEAD_LETTER_NOT_FOUND";
    public const string DeadLetterNotReplayable = "DEAD_LETTER_NOT_REPLAYABLE";
    public const string DataPlatformUnavailable = "DATA_PLATFORM_UNAVAILABLE";

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/dead-letters").WithTags("Admin")
            .RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", ListAsync);
        group.MapPost("/{id:guid}/replay", ReplayAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return routes;
    }

    public static async Task<Ok<List<DeadLetterResponse>>> ListAsync(IDeadLetters deadLetters, CancellationToken cancellationToken) =>
        TypedResults.Ok((await deadLetters.ListAsync(cancellationToken)).Select(DeadLetterResponse.From).ToList());

    public static async Task<Results<Ok<ReplayResponse>, ProblemHttpResult>> ReplayAsync(Guid id, IDeadLetters deadLetters,
        CancellationToken cancellationToken)
    {
        var (outcome, error) = await deadLetters.ReplayAsync(id, cancellationToken);
        return outcome switch
        {
            ReplayOutcome.Delivered => TypedResults.Ok(new ReplayResponse(id, "REPLAYED")),
            ReplayOutcome.NotFound => Problem(StatusCodes.Status404NotFound, DeadLetterNotFound,
                "The dead letter does not exist.", $"No dead letter {id}."),
            ReplayOutcome.NotReplayable => Problem(StatusCodes.Status409Conflict, DeadLetterNotReplayable,
                "The dead letter was already replayed.", $"Dead letter {id} is replayed or being replayed."),
            _ => Problem(StatusCodes.Status502BadGateway, DataPlatformUnavailable,
                "The data platform refused the replay; it stays a dead letter.", error),
        };
    }

    private static ProblemHttpResult Problem(int status, string code, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { [ErrorCodes.Extension] = code });
}
