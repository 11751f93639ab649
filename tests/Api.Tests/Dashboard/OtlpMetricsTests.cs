using System.Collections.Concurrent;
using System.Text;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Api.Tests.Dashboard;

public sealed class OtlpMetricsTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    [Fact]
    public async Task OrleansAndAspNetCoreMetersAreExportedOverOtlpWhenAnEndpointIsSet()
    {
        var bodies = new ConcurrentQueue<string>();
        await using var collector = await StartCollectorAsync(bodies);
        using var app = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(configuration =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Otlp:Endpoint"] = $"{collector.Urls.Single()}/v1/metrics",
                ["Otlp:Protocol"] = "HttpProtobuf",
                ["Otlp:ExportInterval"] = "00:00:00.200",
            })));
        var api = new ApiClient(app.CreateClient(), factory.Accounts);

        await api.CreateUserAsync();

        // Protobuf keeps scope names as plain UTF-8, so the meters' names can be found in the raw bodies.
        await Eventually.WaitAsync(() => Task.FromResult(string.Concat(bodies)),
            all => all.Contains("Microsoft.Orleans") && all.Contains("Microsoft.AspNetCore.Hosting"),
            TimeSpan.FromSeconds(15), "exported Orleans's and the hosting meters");
    }

    private static async Task<WebApplication> StartCollectorAsync(ConcurrentQueue<string> bodies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            bodies.Enqueue(Encoding.Latin1.GetString(buffer.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        return collector;
    }
}
