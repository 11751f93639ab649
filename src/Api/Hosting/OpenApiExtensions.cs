using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ECommerce.Api.Hosting;

public static class OpenApiExtensions
{
    private const string Bearer = "Bearer";

    /// <summary>The document names the bearer scheme and marks the operations that need it, so the UI's Authorize button
    /// takes a token from POST /api/v1/auth/token and sends it with those calls.</summary>
    public static IServiceCollection AddApiDocs(this IServiceCollection services) =>
        services.AddEndpointsApiExplorer().AddSwaggerGen(options =>
        {
            options.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The accessToken of POST /api/v1/auth/token.",
            });
            options.OperationFilter<BearerOnProtectedOperations>();
        });

    /// <summary>Swagger UI at /swagger in every environment: it is the demo's front door.</summary>
    public static WebApplication UseApiDocs(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }

    private sealed class BearerOnProtectedOperations : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any())
            {
                return;
            }

            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
        }
    }
}
