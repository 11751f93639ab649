using System.Text.Json.Serialization;

namespace ECommerce.Api.Hosting;

public static class JsonExtensions
{
    public static IServiceCollection AddApiJson(this IServiceCollection services) =>
        // "amount": "100" is a wrong type, not a number: the web defaults would accept it.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
}
