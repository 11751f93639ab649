using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Idempotency;

/// <summary>The outcome of a request run under an <c>Idempotency-Key</c>: its answer (fresh or replayed), or a problem
/// about the key itself.</summary>
internal sealed record IdempotentResult<T>(T? Value, ProblemHttpResult? Problem, bool Replayed)
{
    public static IdempotentResult<T> Refused(int status, string code, string detail) =>
        new(default, TypedResults.Problem(detail, statusCode: status, title: "The Idempotency-Key cannot be used now.",
            extensions: new Dictionary<string, object?> { [ErrorCodes.Extension] = code }), false);
}

/// <summary>Runs a mutating request at most once per key: <see cref="IIdempotencyGrain"/> keeps the request's
/// fingerprint and its first successful answer. A failed run (domain error or crash) stores no answer, so a retry
/// runs again; the steps it drives are idempotent by request id or order id. A duplicate sent while the first is
/// still running is answered 409 IDEMPOTENCY_KEY_IN_PROGRESS (retry later) rather than queued.</summary>
internal static class IdempotentRequest
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RequestValidation Key(this RequestValidation validation, string? key) =>
        validation.Check(key is null || (key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= '!' and <= '~')),
            Header, $"{Header} must be 1..{MaxKeyLength} visible ASCII characters.");

    /// <param name="scope">Separates keys of different operations; keys are also separate per signed-in user, so one
    /// user's key never meets another's.</param>
    /// <param name="request">Everything that identifies the request (route ids and body): its fingerprint.</param>
    /// <param name="idSequence">Reserve one id from this sequence for the run (the same id on every retry of a key).</param>
    /// <param name="run">Does the work with the reserved id (0 when none was asked for).</param>
    public static async Task<IdempotentResult<T>> RunAsync<T>(HttpContext http, IGrainFactory grains, string scope,
        string? key, object request, string? idSequence, int successStatus, Func<long, Task<T>> run)
    {
        if (key is null)
        {
            var id = idSequence is null ? 0 : await grains.GetGrain<IIdAllocatorGrain>(idSequence).NextIdAsync();
            return new IdempotentResult<T>(await run(id), null, false);
        }

        var fingerprint = Fingerprint(scope, request);
        var owner = http.User.UserId() ?? throw new InvalidOperationException("An idempotent request needs a signed-in user.");
        var keyGrain = grains.GetGrain<IIdempotencyGrain>($"{scope}:{owner}:{key}");
        var ticket = await keyGrain.BeginAsync(fingerprint, idSequence,
            http.RequestServices.GetRequiredService<ILocalSiloDetails>().SiloAddress);
        switch (ticket.Outcome)
        {
            case IdempotencyOutcome.KeyReused:
                return IdempotentResult<T>.Refused(StatusCodes.Status422UnprocessableEntity,
                    ErrorCodes.IdempotencyKeyReused, $"The {Header} was already used with another request.");
            case IdempotencyOutcome.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return IdempotentResult<T>.Refused(StatusCodes.Status409Conflict,
                    ErrorCodes.IdempotencyKeyInProgress, $"A request with this {Header} is still running.");
            case IdempotencyOutcome.Completed:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return new IdempotentResult<T>(JsonSerializer.Deserialize<T>(ticket.Response!.Body, Json), null, true);
        }

        T value;
        try
        {
            value = await run(ticket.ReservedId ?? 0);
        }
        catch (Exception)
        {
            // No answer is stored for a failure: free the key so the client's retry runs the request again.
            await keyGrain.AbandonAsync(fingerprint);
            throw;
        }

        await keyGrain.CompleteAsync(fingerprint,
            new IdempotentResponse(successStatus, JsonSerializer.Serialize(value, Json)));
        return new IdempotentResult<T>(value, null, false);
    }

    private static string Fingerprint(string scope, object request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + JsonSerializer.Serialize(request, Json))));
}
