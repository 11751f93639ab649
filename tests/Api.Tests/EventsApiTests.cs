using System.Net;
using ECommerce.Api.Admin;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Silo.DataPlatform;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Api.Tests;

public sealed class SqliteEventsApiTests(SqliteApiWithFlakyDataPlatform factory)
    : EventsApiTests(factory), IClassFixture<SqliteApiWithFlakyDataPlatform>;

[RequiresPostgres]
public sealed class PostgresEventsApiTests(PostgresApiWithFlakyDataPlatform factory)
    : EventsApiTests(factory), IClassFixture<PostgresApiWithFlakyDataPlatform>;

[RequiresMySql]
public sealed class MySqlEventsApiTests(MySqlApiWithFlakyDataPlatform factory)
    : EventsApiTests(factory), IClassFixture<MySqlApiWithFlakyDataPlatform>;

/// <summary>The top-products ranking and the dead letters over HTTP, with the whole event path in between.</summary>
public abstract class EventsApiTests(IFlakyDataPlatformApi factory)
{
    private readonly ApiClient _api = factory.Api.CreateApi();

    private async Task<(long OrderId, long First, long Second)> PayAnOrderAsync(int firstQuantity, int secondQuantity)
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 1_000_000);
        var first = await _api.CreateProductAsync(price: 1_000, stock: 100);
        var second = await _api.CreateProductAsync(price: 1_000, stock: 100);
        var order = await _api.CreateOrderAsync(user.UserId, [(first.ProductId, firstQuantity), (second.ProductId, secondQuantity)]);
        await _api.PayAsync(order.OrderId, user.UserId);
        return (order.OrderId, first.ProductId, second.ProductId);
    }

    [StorageFact]
    public async Task APaidOrderShowsInTheTopProductsRankedBySalesCount()
    {
        var (_, first, second) = await PayAnOrderAsync(firstQuantity: 2, secondQuantity: 7);

        var mine = await Eventually.WaitAsync(
            async () => (await ApiClient.ReadAsync<List<TopProductResponse>>(
                    await _api.GetAsync("/api/v1/products/top?days=1&limit=50"), HttpStatusCode.OK))
                .Where(top => top.ProductId == first || top.ProductId == second).ToList(),
            found => found.Count == 2, TimeSpan.FromSeconds(5), "in the ranking");

        Assert.Equal([(second, 7L), (first, 2L)], mine.Select(top => (top.ProductId, top.SalesCount)));
        Assert.True(mine[0].Rank < mine[1].Rank);
        Assert.StartsWith("Product ", mine[0].Name, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task TopProductsOutsideDays1To30OrLimit1To50IsAValidationProblem()
    {
        foreach (var query in new[] { "days=0&limit=5", "days=31&limit=5", "days=3&limit=0", "days=3&limit=51" })
        {
            await Problems.AssertAsync(await _api.GetAsync($"/api/v1/products/top?{query}"), HttpStatusCode.BadRequest,
                "VALIDATION_FAILED");
        }
    }

    [StorageFact]
    public async Task AnOrderTheDataPlatformNeverTookIsADeadLetterThatReplaysOnceAfterItRecovers()
    {
        factory.Platform.Failing = true;
        var (orderId, _, _) = await PayAnOrderAsync(1, 1);
        var letter = await Eventually.WaitAsync(
            async () => (await ApiClient.ReadAsync<List<DeadLetterResponse>>(
                    await _api.GetAsync("/api/v1/admin/dead-letters"), HttpStatusCode.OK))
                .SingleOrDefault(letter => letter.Payload.Contains($"\"orderId\":{orderId},", StringComparison.Ordinal)),
            found => found is not null, TimeSpan.FromSeconds(10), "dead-lettered");
        Assert.Equal(("DEAD", "OrderPaid", 2L), (letter!.Status, letter.EventType, letter.Attempts));

        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/admin/dead-letters/{letter.Id}/replay", new { }),
            HttpStatusCode.BadGateway, DeadLettersApi.DataPlatformUnavailable);
        factory.Platform.Failing = false;
        var replayed = await ApiClient.ReadAsync<ReplayResponse>(
            await _api.PostAsync($"/api/v1/admin/dead-letters/{letter.Id}/replay", new { }), HttpStatusCode.OK);
        var again = await _api.PostAsync($"/api/v1/admin/dead-letters/{letter.Id}/replay", new { });

        Assert.Equal("REPLAYED", replayed.Status);
        await Problems.AssertAsync(again, HttpStatusCode.Conflict, DeadLettersApi.DeadLetterNotReplayable);
        Assert.Equal(1, factory.Platform.Delivered(letter.Id));
    }

    [StorageFact]
    public async Task ReplayingAnUnknownDeadLetterIsNotFound()
    {
        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/admin/dead-letters/{Guid.NewGuid()}/replay", new { }),
            HttpStatusCode.NotFound, DeadLettersApi.DeadLetterNotFound);
    }
}

public interface IFlakyDataPlatformApi
{
    ApiFactory Api { get; }

    FlakyDataPlatform Platform { get; }
}

/// <summary>Answers 500 while <see cref="Failing"/>, else 200; counts successful deliveries per Idempotency-Key.</summary>
public sealed class FlakyDataPlatform : HttpMessageHandler
{
    private readonly List<string> _delivered = [];

    public volatile bool Failing;

    public int Delivered(Guid eventId)
    {
        lock (_delivered)
        {
            return _delivered.Count(key => key == eventId.ToString("D"));
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Failing)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }

        lock (_delivered)
        {
            _delivered.Add(request.Headers.GetValues("Idempotency-Key").Single());
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}

/// <summary>The API with a data platform endpoint served by <see cref="FlakyDataPlatform"/> and one quick retry.</summary>
public abstract class ApiWithFlakyDataPlatform(TestDatabase database) : ApiFactory(database, TimeSpan.FromMinutes(10)), IFlakyDataPlatformApi
{
    public ApiFactory Api => this;

    public FlakyDataPlatform Platform { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataPlatform:Endpoint"] = "http://data-platform.test/events",
            ["DataPlatform:RetryDelays:0"] = "00:00:00.010",
            ["DataPlatform:PollInterval"] = "00:00:00.020",
        }));
        builder.ConfigureTestServices(services => services.AddHttpClient(DataPlatformOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => Platform));
    }
}

public sealed class SqliteApiWithFlakyDataPlatform() : ApiWithFlakyDataPlatform(new SqliteTestDatabase());

public sealed class PostgresApiWithFlakyDataPlatform() : ApiWithFlakyDataPlatform(new PostgresTestDatabase());

public sealed class MySqlApiWithFlakyDataPlatform() : ApiWithFlakyDataPlatform(new MySqlTestDatabase());
