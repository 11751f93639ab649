using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Diagnostics;

namespace ECommerce.Api.Errors;

public static class ErrorHandlingExtensions
{
    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd(ErrorCodes.Extension,
                ErrorCodes.ForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode)));
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Bad input is an answered 4xx, not an error worth a stack trace in the log.
        services.Configure<ExceptionHandlerOptions>(options =>
            options.SuppressDiagnosticsCallback = context => ApiExceptionHandler.IsExpected(context.Exception));
        // Binding failures (malformed JSON, wrong types, unreadable bodies) throw, so the handler gives them a code.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Answers a domain error where the endpoint threw it, with the exception handler's own answer, so a
    /// sold-out flash sale does not rethrow every refusal through each middleware above. Register it last.</summary>
    public static WebApplication UseDomainErrors(this WebApplication app)
    {
        var handler = app.Services.GetServices<IExceptionHandler>().OfType<ApiExceptionHandler>().Single();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (DomainException exception) when (!context.Response.HasStarted)
            {
                await handler.TryHandleAsync(context, exception, context.RequestAborted);
            }
        });
        return app;
    }
}
