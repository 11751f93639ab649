using Microsoft.OpenApi;

namespace ECommerce.Api.Hosting;

public static class OpenApiExtensions
{
    private const string Bearer = "Bearer";

    /// <summary>The document names the bearer scheme, so the UI's Authorize button takes a token from
    /// POST /api/v1/auth/token and sends it with every call.</summary>
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
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(Bearer, document)] = [],
            });
        });

    /// <summary>Swagger UI at /swagger in every environment: it is the demo's front door.</summary>
    public static WebApplication UseApiDocs(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }
}
