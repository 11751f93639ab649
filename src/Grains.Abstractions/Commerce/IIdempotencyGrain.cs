
namespace ECommerce.Grains.Abstractions.Commerce;

public enum IdempotencyOutcome
{
    /// <summary>The caller runs the request now and must end it with Complete or Abandon.</summary>
    Started,
    /// <summary>Another request with this key is running; nothing was done.</summary>
    InProgress,
    /// <summary>The request already succeeded; <see cref="IdempotencyTicket.Response"/> is its answer.</summary>
    Completed,
    /// <summary>The key was first used with another request.</summary>
    KeyReused,
}

/// <summary>A stored HTTP answer: status code and JSON body.</summary>
[GenerateSerializer, Immutable]
public sealed record IdempotentResponse(int StatusCode, string Body);

/// <param name="ReservedId">The id reserved on the key's first sight (when a sequence was asked for); the same on every retry.</param>
[GenerateSerializer, Immutable]
public sealed record IdempotencyTicket(IdempotencyOutcome Outcome, long? ReservedId, IdempotentResponse? Response);

/// <summary>One idempotency key, keyed by "scope:key". Remembers the request's fingerprint and, once it succeeded, its
/// answer. The running mark lives in memory only, so after a crash a retry runs the request again; every step it
/// drives is itself idempotent (request id, order id), so running again cannot apply twice.</summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <param name="requestHash">Fingerprint of the request; another fingerprint under the same key is refused.</param>
    /// <param name="idSequence">An <see cref="IdSequences"/> name to reserve one id from on first sight, or null.</param>
    /// <param name="runner">The silo that runs the request: when the cluster declares it dead, its run is over and a
    /// retry may start at once instead of waiting out the running lease.</param>
    Task<IdempotencyTicket> BeginAsync(string requestHash, string? idSequence = null, SiloAddress? runner = null);

    /// <summary>Stores the answer of a started request; later Begins with the same fingerprint get it back.</summary>
    Task CompleteAsync(string requestHash, IdempotentResponse response);

    /// <summary>Ends a started request without an answer (it failed), so a retry runs it again.</summary>
    Task AbandonAsync(string requestHash);
}
