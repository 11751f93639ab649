using System.Net;
using System.Net.Http.Json;
using ECommerce.Api.Dashboard;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Silo.Statistics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Api.Tests.Dashboard;

/// <summary>The JSON the dashboard polls. Each API host has its own silo and statistics; the tests of one class run
/// one after another, so a delta around a test's own calls is exact.</summary>
public sealed class DashboardApiTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    private readonly ApiClient _api = factory.CreateApi();

    private async Task<T> GetAsync<T>(string path) => await ApiClient.ReadAsync<T>(await _api.GetAsync(path), HttpStatusCode.OK);

    private static long CallsOf(GrainsDto grains, string type, string method) =>
        grains.Types.SingleOrDefault(t => t.GrainType == type)?.Methods.SingleOrDefault(m => m.Method == method)?.Calls ?? 0;

    [Fact]
    public async Task GrainCallsMadeThroughTheApiAreCountedPerGrainTypeAndMethod()
    {
        var user = await _api.CreateUserAsync();
        var before = await GetAsync<GrainsDto>("/dashboard/api/grains");

        for (var i = 0; i < 3; i++)
        {
            await _api.GetBalanceAsync(user.UserId);
        }

        var after = await GetAsync<GrainsDto>("/dashboard/api/grains");
        Assert.Equal(3, CallsOf(after, "user", "GetBalanceAsync") - CallsOf(before, "user", "GetBalanceAsync"));
        var userType = after.Types.Single(t => t.GrainType == "user");
        Assert.True(userType.Activations >= 1);
        Assert.NotNull(userType.P99LatencyMs);
        Assert.Contains(after.TopByCalls, m => m.GrainType == "user");
    }

    [Fact]
    public async Task TheOverviewCountsEveryCallAndTakesASampleEverySecond()
    {
        var before = await GetAsync<OverviewDto>("/dashboard/api/overview");
        var grainsBefore = await GetAsync<GrainsDto>("/dashboard/api/grains");

        await _api.CreateUserAsync();

        var after = await GetAsync<OverviewDto>("/dashboard/api/overview");
        var grainsAfter = await GetAsync<GrainsDto>("/dashboard/api/grains");
        Assert.Equal(grainsAfter.Types.Sum(t => t.Calls) - grainsBefore.Types.Sum(t => t.Calls), after.TotalCalls - before.TotalCalls);
        Assert.True(after.TotalCalls > before.TotalCalls);
        Assert.True(after.ActiveGrains >= 1);
        var sampled = await Eventually.WaitAsync(() => GetAsync<OverviewDto>("/dashboard/api/overview"),
            o => o.Samples.Count >= 2, TimeSpan.FromSeconds(10), "sampled twice");
        Assert.True(sampled.Samples[^1].At > sampled.Samples[^2].At);
    }

    [Fact]
    public async Task AGrainCallThatFailsIsCountedAsAnErrorOfItsMethod()
    {
        var before = await GetAsync<GrainsDto>("/dashboard/api/grains");

        var missing = await _api.GetAsync($"/api/v1/users/{long.MaxValue - Random.Shared.Next(1_000)}");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var after = await GetAsync<GrainsDto>("/dashboard/api/grains");
        Assert.Equal(before.Types.Sum(t => t.Errors) + 1, after.Types.Sum(t => t.Errors));
        Assert.Contains(after.TopByErrors, m => m.GrainType == "user");
    }

    [Fact]
    public async Task ReservingStockShowsGroupCommitWritesAndStorageWrites()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(price: 1_000, stock: 5);

        await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)]);

        var storage = await GetAsync<StorageDto>("/dashboard/api/storage");
        var products = storage.GrainTypes.Single(t => t.GrainType == "product");
        Assert.True(products.GroupCommitWrites >= 1);
        Assert.True(products.AverageBatchSize >= 1);
        Assert.True(storage.Writes >= 3);
        Assert.NotNull(storage.P99WriteMs);
    }

    [Fact]
    public async Task AnUnpaidOrderAddsOnePendingReminder()
    {
        var user = await _api.CreateUserAsync();
        var product = await _api.CreateProductAsync(price: 1_000, stock: 5);
        var before = await GetAsync<RemindersDto>("/dashboard/api/reminders");

        await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        Assert.Equal(before.Pending + 1, (await GetAsync<RemindersDto>("/dashboard/api/reminders")).Pending);
    }

    [Fact]
    public async Task AfterAPaidOrderTheOutboxShowsNumbersAndTheRelayDrainsIt()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(price: 1_000, stock: 5);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 1)]);

        await _api.PayAsync(order.OrderId, user.UserId);

        var outbox = await Eventually.WaitAsync(() => GetAsync<OutboxDto>("/dashboard/api/outbox"), o => o.Pending == 0,
            TimeSpan.FromSeconds(10), "drained by the relay");
        Assert.Equal(new OutboxDto(true, 0, 0, 0), outbox);
    }

    [Fact]
    public async Task APaidOrderShowsInTheTopProductsWithItsQuantity()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 10_000);
        var product = await _api.CreateProductAsync(price: 10, stock: 50);
        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 40)]);

        await _api.PayAsync(order.OrderId, user.UserId);

        var top = await Eventually.WaitAsync(() => GetAsync<List<ECommerce.Api.Products.TopProductResponse>>("/dashboard/api/top-products"),
            t => t.Any(p => p.ProductId == product.ProductId), TimeSpan.FromSeconds(10), "ranking the paid product");
        var ranked = top.Single(p => p.ProductId == product.ProductId);
        Assert.Equal((1, 40L), (ranked.Rank, ranked.SalesCount));
        Assert.True(top.Count <= 5);
    }

    [Fact]
    public async Task TheOutboxShowsWhatTheRegisteredStatisticsReport()
    {
        using var withOutbox = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IOutboxStatistics>(new FixedOutbox(new OutboxStatisticsSnapshot(7, TimeSpan.FromSeconds(2.5), 1)))));

        var some = await withOutbox.CreateClient().GetFromJsonAsync<OutboxDto>("/dashboard/api/outbox", ApiClient.Json);

        Assert.Equal(new OutboxDto(true, 7, 2.5, 1), some);
    }

    [Fact]
    public async Task ThePageIsServedAsHtmlWithItsChartLibraryFromTheBuild()
    {
        var page = await _api.GetAsync("/dashboard");
        var library = await _api.GetAsync("/dashboard/lib/chart.umd.min.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/dashboard/lib/chart.umd.min.js", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, library.StatusCode);
        Assert.Contains("Chart", await library.Content.ReadAsStringAsync());
    }

    private sealed class FixedOutbox(OutboxStatisticsSnapshot snapshot) : IOutboxStatistics
    {
        public Task<OutboxStatisticsSnapshot> GetAsync(CancellationToken cancellationToken) => Task.FromResult(snapshot);
    }
}
