using System.Net;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace ECommerce.Api.Tests;

/// <summary>GET /api/v1/products as search: name words, option prices, in-stock, sorts, and the in-stock filter
/// following a sale and a restock within a second. Each test names its products with a fresh word of its own.</summary>
public abstract class ProductSearchTests(ApiFactory factory)
{
    /// <summary>A one-option product as listed with <paramref name="stock"/> left: the sum and its option.</summary>
    private static ProductResponse WithStock(ProductResponse product, int stock) =>
        product with { Stock = stock, Options = [product.Options.Single() with { Stock = stock }] };

    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    private readonly ApiClient _api = factory.CreateApi();

    private static string Fresh() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static string Q(string text) => Uri.EscapeDataString(text);

    private Task<ProductPageResponse> SearchAsync(string query) => _api.SearchProductsAsync(query);

    private static List<long> Ids(ProductPageResponse page) => page.Items.Select(p => p.ProductId).ToList();

    [StorageFact]
    public async Task SearchMatchesNameWordsKoreanIncludedFiltersByPriceAndSortsEveryWay()
    {
        var tag = Fresh();
        var keyboard = await _api.CreateProductAsync(39_000, 2, $"{tag} 무선 키보드");
        var mouse = await _api.CreateProductAsync(25_000, 0, $"{tag} Wireless Mouse");
        var pad = await _api.CreateProductAsync(5_000, 7, $"{tag} mouse-pad");
        var cable = await _api.CreateProductAsync(9_000, 1, $"{tag} USB-C 케이블");

        var all = await SearchAsync($"q={tag}");
        Assert.Equal([keyboard, mouse, pad, cable], all.Items);
        Assert.Equal((1, 20, 4), (all.Page, all.Size, all.Total));

        Assert.Equal([keyboard.ProductId], Ids(await SearchAsync($"q={Q(tag + " 키보")}")));
        Assert.Equal([keyboard.ProductId], Ids(await SearchAsync($"q={Q("무선 " + tag)}")));
        Assert.Empty((await SearchAsync($"q={Q(tag + " 보드")}")).Items);
        Assert.Equal([mouse.ProductId, pad.ProductId], Ids(await SearchAsync($"q={Q(tag.ToUpperInvariant() + " MOU")}")));
        Assert.Equal([cable.ProductId], Ids(await SearchAsync($"q={Q(tag + " usb c")}")));

        Assert.Equal([keyboard.ProductId, mouse.ProductId],
            Ids(await SearchAsync($"q={tag}&minPrice=20000&maxPrice=40000")));
        Assert.Equal([keyboard.ProductId, pad.ProductId, cable.ProductId], Ids(await SearchAsync($"q={tag}&inStock=true")));
        Assert.Equal(4, (await SearchAsync($"q={tag}&inStock=false")).Total);

        Assert.Equal([pad.ProductId, cable.ProductId, mouse.ProductId, keyboard.ProductId], Ids(await SearchAsync($"q={tag}&sort=price")));
        Assert.Equal([keyboard.ProductId, mouse.ProductId, cable.ProductId, pad.ProductId], Ids(await SearchAsync($"q={tag}&sort=-price")));
        Assert.Equal([cable.ProductId, pad.ProductId, mouse.ProductId, keyboard.ProductId], Ids(await SearchAsync($"q={tag}&sort=newest")));
        // After the shared tag: "mouse-pad" < "usb-c" < "wireless" < "무선".
        Assert.Equal([pad.ProductId, cable.ProductId, mouse.ProductId, keyboard.ProductId], Ids(await SearchAsync($"q={tag}&sort=name")));

        var second = await SearchAsync($"q={tag}&sort=price&page=2&size=3");
        Assert.Equal([keyboard.ProductId], Ids(second));
        Assert.Equal((2, 3, 4), (second.Page, second.Size, second.Total));
    }

    [StorageFact]
    public async Task SellingTheLastUnitDropsTheProductFromInStockWithinASecondAndARestockBringsItBack()
    {
        var tag = Fresh();
        var last = await _api.CreateProductAsync(4_000, 1, $"{tag} last");
        var plenty = await _api.CreateProductAsync(4_000, 50, $"{tag} plenty");
        var buyer = await _api.CreateUserAsync();
        await _api.ChargeAsync(buyer.UserId, 10_000);
        var inStock = $"q={tag}&inStock=true";
        Assert.Equal([last.ProductId, plenty.ProductId], Ids(await SearchAsync(inStock)));

        var order = await _api.CreateOrderAsync(buyer.UserId, [(last.ProductId, 1), (plenty.ProductId, 1)]);
        await _api.PayAsync(order.OrderId, buyer.UserId);

        var sold = await Eventually.WaitAsync(() => SearchAsync(inStock), page => page.Total == 1, WithinASecond,
            "the sold-out product gone from inStock=true");
        Assert.Equal([WithStock(plenty, 49)], sold.Items);
        // Still listed without the filter, with its live stock.
        Assert.Equal([WithStock(last, 0), WithStock(plenty, 49)], (await SearchAsync($"q={tag}")).Items);

        await ApiClient.ReadAsync<ProductResponse>(
            await _api.PostAsync($"/api/v1/products/{last.ProductId}/stock", new { delta = 3 }), HttpStatusCode.OK);

        var back = await Eventually.WaitAsync(() => SearchAsync(inStock), page => page.Total == 2, WithinASecond,
            "the restocked product back in inStock=true");
        Assert.Equal([WithStock(last, 3), WithStock(plenty, 49)], back.Items);
    }

    [StorageFact]
    public async Task TheCatalogAnswersTheSameAfterItsGrainIsDeactivatedAndActivatedAgain()
    {
        var tag = Fresh();
        var soldOut = await _api.CreateProductAsync(1_000, 0, $"{tag} 품절 상품");
        var available = await _api.CreateProductAsync(2_000, 5, $"{tag} 재고 상품");
        var before = await SearchAsync($"q={Q(tag + " 상")}&inStock=true&sort=-price");
        Assert.Equal([available.ProductId], Ids(before));

        var catalog = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        await catalog.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var after = await SearchAsync($"q={Q(tag + " 상")}&inStock=true&sort=-price");
        Assert.Equal(before.Items, after.Items);
        Assert.Equal(before.Total, after.Total);
        Assert.Equal([soldOut.ProductId, available.ProductId], Ids(await SearchAsync($"q={Q(tag + " 상품")}")));
    }

    [StorageFact]
    public async Task BadSearchValuesAreValidationProblems()
    {
        foreach (var query in new[]
                 {
                     "sort=cheapest", "sort=PRICE", "minPrice=10&maxPrice=9", "minPrice=-1", "q=!!!",
                     $"q={new string('a', 201)}", "q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k", "size=101", "page=0",
                 })
        {
            await Problems.AssertAsync(await _api.GetAsync($"/api/v1/products?{query}"), HttpStatusCode.BadRequest,
                "VALIDATION_FAILED");
        }

        await Problems.AssertAsync(await _api.GetAsync("/api/v1/products?inStock=maybe"), HttpStatusCode.BadRequest,
            "MALFORMED_REQUEST");
    }
}

public sealed class ProductSearchOnSqlite(SqliteApi factory) : ProductSearchTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class ProductSearchOnPostgres(PostgresApi factory) : ProductSearchTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class ProductSearchOnMySql(MySqlApi factory) : ProductSearchTests(factory), IClassFixture<MySqlApi>;
