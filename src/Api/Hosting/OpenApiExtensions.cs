namespace ECommerce.Api.Hosting;

public static class OpenApiExtensions
{
    public static IServiceCollection AddApiDocs(this IServiceCollection services) =>
        services.AddEndpointsApiExplorer().AddSwaggerGen();

    /// <summary>Swagger UI at /swagger in every environment: it is the demo's front door.</summary>
    public static WebApplication UseApiDocs(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }
}
