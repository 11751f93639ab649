using Microsoft.AspNetCore.Http.Features;

namespace ECommerce.Api.Hosting;

public static class RequestBodyLimitExtensions
{
    /// <summary>Every request body of this API is a small JSON document.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Refuses a declared oversized body at once and caps a streamed one where the server supports it;
    /// both end as a 413 BadHttpRequestException, which the exception handler answers.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                throw new BadHttpRequestException(
                    $"The request body is larger than {MaxRequestBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBodyBytes;
            }

            await next(context);
        });
}
