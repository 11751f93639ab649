using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ECommerce.Api.Errors;

/// <summary>The one place where exceptions become ProblemDetails: domain rules by their kind, binding failures
/// (bad JSON, wrong types, oversized bodies) as 4xx, timeouts and a lost node as 503, anything else as a logged 500.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception,
        CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            DomainException domain => ProblemDetailsFor(domain),
            BadHttpRequestException badRequest => Problem(badRequest.StatusCode,
                ErrorCodes.ForStatus(badRequest.StatusCode), "The request could not be read.", badRequest.Message),
            TimeoutException => Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "The request timed out; it may be retried.", null),
            // A node of the cluster died with the call on it; until the survivors declare it dead, calls to its grains
            // are refused. Nothing was decided for the caller beyond what is stored: a retry is safe.
            OrleansMessageRejectionException => Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "A node of the cluster is unavailable; the request may be retried.", null),
            _ => Problem(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                "An unexpected error occurred.", null),
        };
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", httpContext.Request.Method,
                httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The answer this handler gives <paramref name="refusal"/>, for an endpoint that gets the refusal as a
    /// value (nothing thrown): the same status, title, detail and code.</summary>
    public static ProblemHttpResult ProblemFor(DomainException refusal) => TypedResults.Problem(ProblemDetailsFor(refusal));

    private static ProblemDetails ProblemDetailsFor(DomainException domain) =>
        Problem(StatusOf(domain.Kind), domain.Code, TitleOf(domain.Kind), domain.Message);

    public static bool IsExpected(Exception exception) =>
        exception is DomainException or BadHttpRequestException;

    private static ProblemDetails Problem(int status, string code, string title, string? detail) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Extensions = { [ErrorCodes.Extension] = code },
    };

    private static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status409Conflict,
    };

    private static string TitleOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => "The request is invalid.",
        ErrorKind.NotFound => "The resource does not exist.",
        ErrorKind.Forbidden => "The request is not allowed now.",
        _ => "The request conflicts with the current state.",
    };
}
