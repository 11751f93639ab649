using System.Diagnostics.Metrics;
using System.Net;
using ECommerce.Api.Admin;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Api.Tests.Admin;

public sealed class SqliteAdminApiTests(SqliteAdminApi factory) : AdminApiTests(factory), IClassFixture<SqliteAdminApi>;

[RequiresPostgres]
public sealed class PostgresAdminApiTests(PostgresAdminApi factory) : AdminApiTests(factory), IClassFixture<PostgresAdminApi>;

[RequiresMySql]
public sealed class MySqlAdminApiTests(MySqlAdminApi factory) : AdminApiTests(factory), IClassFixture<MySqlAdminApi>;

/// <summary>The JSON the admin page polls. Each class has its own host, whose listener sees only that host's meters;
/// its tests run one after another, and only the traffic test answers a 4xx or 5xx.</summary>
public abstract class AdminApiTests(AdminApi factory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ApiClient _api = factory.CreateApi();

    private async Task<T> GetAsync<T>(string path) => await ApiClient.ReadAsync<T>(await _api.GetAsync(path), HttpStatusCode.OK);

    private async Task<long> PayAsync(long productId, int quantity)
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 1_000_000);
        var order = await _api.CreateOrderAsync(user.UserId, [(productId, quantity)]);
        await _api.PayAsync(order.OrderId, user.UserId);
        return order.OrderId;
    }

    [StorageFact]
    public async Task APaidOrderShowsInTheTopFiveProducts()
    {
        var product = await _api.CreateProductAsync(price: 10, stock: 100, name: $"Admin top {Guid.NewGuid():N}");

        await PayAsync(product.ProductId, 60);

        var top = await Eventually.WaitAsync(() => GetAsync<List<TopProductResponse>>("/admin/api/top-products"),
            t => t.Any(p => p.ProductId == product.ProductId), Timeout, "ranking the paid product");
        var ranked = top.Single(p => p.ProductId == product.ProductId);
        Assert.Equal((product.Name, 60L), (ranked.Name, ranked.SalesCount));
        Assert.InRange(top.Count, 1, 5);
    }

    [StorageFact]
    public async Task TheStreamShowsBothConsumersTakingAPaidOrderAndNothingLeftPendingOrStuck()
    {
        var product = await _api.CreateProductAsync(price: 10, stock: 100);
        var before = await GetAsync<AdminStreamResponse>("/admin/api/stream");

        await PayAsync(product.ProductId, 1);

        var stream = await Eventually.WaitAsync(() => GetAsync<AdminStreamResponse>("/admin/api/stream"),
            s => s.Consumers.All(c => c.Consumed > Consumed(before, c.Name)) && s.Pending is null or 0, Timeout,
            "both consumers took the paid order and the queue is drained");
        Assert.Equal(["product-ranking", "data-platform"], stream.Consumers.Select(c => c.Name));
        Assert.All(stream.Consumers, c => Assert.True(c.LastDelaySeconds >= 0, $"{c.Name}: delay {c.LastDelaySeconds}"));
        Assert.Null(stream.Stuck);
        // The ADO.NET queue is read from its table; memory streams do not tell.
        Assert.Equal(stream.Provider == "AdoNet", stream.Pending is not null && stream.StreamDeadLetters is not null);
    }

    private static long Consumed(AdminStreamResponse stream, string consumer) =>
        stream.Consumers.Single(c => c.Name == consumer).Consumed;

    [StorageFact]
    public async Task AnEventTheDataPlatformNeverTookIsCountedAndListedAsTheNewestDeadLetter()
    {
        var product = await _api.CreateProductAsync(price: 10, stock: 100);
        long orderId;
        List<DeadLetterResponse> letters;
        factory.Platform.Failing = true;
        try
        {
            orderId = await PayAsync(product.ProductId, 1);
            letters = await Eventually.WaitAsync(() => GetAsync<List<DeadLetterResponse>>("/api/v1/admin/dead-letters"),
                all => all.Any(l => l.Payload.Contains($"\"orderId\":{orderId},", StringComparison.Ordinal)), Timeout, "dead-lettered");
        }
        finally
        {
            factory.Platform.Failing = false;
        }

        var mine = letters.Single(l => l.Payload.Contains($"\"orderId\":{orderId},", StringComparison.Ordinal));
        var admin = await GetAsync<AdminDeadLettersResponse>("/admin/api/dead-letters");
        var shown = Assert.Single(admin.Newest, l => l.Id == mine.Id);
        Assert.Equal(("OrderPaid", "DEAD", 2L), (shown.EventType, shown.Status, shown.Attempts));
        Assert.NotNull(shown.LastError);
        Assert.True(admin.Open >= 1 && admin.Total >= admin.Open, $"{admin.Open} open of {admin.Total}");
        Assert.InRange(admin.Newest.Count, 1, 5);
        Assert.Equal(admin.Newest.OrderByDescending(l => l.CreatedAt).Select(l => l.Id), admin.Newest.Select(l => l.Id));
    }

    [StorageFact]
    public async Task GroupCommitMeasurementsOfTheGrainsMeterShowPerGrainType()
    {
        // The host's meter factory, as the grains get theirs; a grain type of this test's own.
        var meter = factory.Services.GetRequiredService<IMeterFactory>().Create(AdminMetrics.GrainsMeterName);
        var batchSize = meter.CreateHistogram<int>(AdminMetrics.BatchSize);
        var writeDuration = meter.CreateHistogram<double>(AdminMetrics.WriteDuration, "ms");
        var failures = meter.CreateCounter<long>(AdminMetrics.WriteFailures);
        var grainType = new KeyValuePair<string, object?>(AdminMetrics.GrainTypeTag, $"test-{Guid.NewGuid():N}");

        foreach (var (calls, ms) in new[] { (3, 1.0), (5, 2.0), (1, 9.0) })
        {
            batchSize.Record(calls, grainType);
            writeDuration.Record(ms, grainType);
        }

        failures.Add(1, grainType);

        var rows = await GetAsync<List<GroupCommitRow>>("/admin/api/storage");
        Assert.Equal(new GroupCommitRow((string)grainType.Value!, 3, 3.0, 5, 4.0, 9.0, 1), rows.Single(r => r.GrainType == (string)grainType.Value!));
    }

    [StorageFact]
    public async Task TheTrafficWindowCountsRequestsTheir4xxAnd5xxAndTheRateOfThem()
    {
        var product = await _api.CreateProductAsync(price: 10, stock: 1);
        for (var i = 0; i < 5; i++)
        {
            await _api.GetProductAsync(product.ProductId);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("/api/v1/no-such-route")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await _api.GetAsync(AdminApi.ServerErrorPath)).StatusCode);

        // Counted once their second has ended.
        var traffic = await Eventually.WaitAsync(() => GetAsync<TrafficWindowSnapshot>("/admin/api/traffic"),
            t => t.ServerErrors == 1 && t.ClientErrors == 1, Timeout, "counting the 4xx and the 5xx");
        Assert.True(traffic.Requests >= 8, $"{traffic.Requests} requests");
        Assert.Equal((double)traffic.ServerErrors / traffic.Requests, traffic.ErrorRate);
        Assert.Equal((double)traffic.ClientErrors / traffic.Requests, traffic.ClientErrorRate);
        Assert.Equal(traffic.Requests, traffic.PerSecond.Sum(s => s.Requests));
        Assert.Equal(HttpTrafficWindow.Seconds, traffic.PerSecond.Count);
        Assert.NotNull(traffic.P99Ms);
        Assert.All(traffic.PerSecond, s => Assert.Equal(s.Requests == 0, s.AverageMs is null && s.P99Ms is null && s.ErrorRate is null));
    }

    [StorageFact]
    public async Task ThePageIsHtmlWithTheChartLibraryAndOnlyItsJsonIsInTheOpenApiDocumentTaggedAdmin()
    {
        var page = await _api.GetAsync("/admin");
        var library = await _api.GetAsync("/admin/lib/chart.umd.min.js");
        var openApi = await _api.GetAsync("/swagger/v1/swagger.json");

        Assert.Equal((HttpStatusCode.OK, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
        Assert.Contains("/admin/lib/chart.umd.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, library.StatusCode);
        Assert.Contains("Chart", await library.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(await openApi.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.False(paths.TryGetProperty("/admin", out _));
        foreach (var path in new[] { "top-products", "stream", "dead-letters", "storage", "traffic" })
        {
            var get = paths.GetProperty($"/admin/api/{path}").GetProperty("get");
            Assert.Equal("Admin", get.GetProperty("tags")[0].GetString());
        }
    }
}

/// <summary>The API with a flaky data platform (for dead letters) and a route that answers 500, which no real
/// endpoint does on purpose.</summary>
public abstract class AdminApi(TestDatabase database) : ApiWithFlakyDataPlatform(database)
{
    public const string ServerErrorPath = "/test/server-error";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ServerErrorRoute>());
    }

    private sealed class ServerErrorRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(ServerErrorPath, branch => branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return Task.CompletedTask;
            }));
            next(app);
        };
    }
}

public sealed class SqliteAdminApi() : AdminApi(new SqliteTestDatabase());

public sealed class PostgresAdminApi() : AdminApi(new PostgresTestDatabase());

public sealed class MySqlAdminApi() : AdminApi(new MySqlTestDatabase());
