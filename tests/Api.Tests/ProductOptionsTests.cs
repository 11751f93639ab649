using System.Net;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests;

/// <summary>Products with several options: each option its own id, price and stock, ordered by id.</summary>
public abstract class ProductOptionsTests(ApiFactory factory)
{
    private readonly ApiClient _api = factory.CreateApi();

    [StorageFact]
    public async Task AProductsOptionsGetTheirOwnIdsTheFirstBeingTheProductIdAndShowInDetailAndList()
    {
        var created = await _api.CreateProductWithOptionsAsync(("S", 9_000, 4), ("M", 10_000, 5), ("L", 12_000, 0));

        Assert.Equal(["S", "M", "L"], created.Options.Select(o => o.Name));
        Assert.Equal(created.ProductId, created.Options[0].OptionId);
        Assert.Equal(3, created.Options.Select(o => o.OptionId).Distinct().Count());
        Assert.All(created.Options.Skip(1), o => Assert.True(o.OptionId > created.ProductId));
        Assert.Equal((9_000L, 9), (created.Price, created.Stock));

        var detail = await _api.GetProductAsync(created.ProductId);
        Assert.Equal(created.Options, detail.Options);
        var listed = (await _api.ListProductsAsync(100)).Items.Single(p => p.ProductId == created.ProductId);
        Assert.Equal(created.Options, listed.Options);

        // An option id is a product-sequence id of its own: no product has it.
        await Problems.AssertAsync(await _api.GetAsync($"/api/v1/products/{created.Options[1].OptionId}"),
            HttpStatusCode.NotFound, "PRODUCT_NOT_FOUND");
    }

    [StorageFact]
    public async Task AProductCreatedWithoutOptionsHasOneDefaultOptionThatAnOrderByProductIdTakes()
    {
        var user = await FundedUserAsync();
        var product = await _api.CreateProductAsync(price: 700, stock: 6);
        var option = Assert.Single(product.Options);
        Assert.Equal(new ProductOptionResponse(product.ProductId, "default", 700, 6), option);

        var order = await _api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)]);
        var line = Assert.Single(order.Items);

        Assert.Equal((product.ProductId, "default", 1_400L), (line.OptionId, line.OptionName, line.LineTotal));
        Assert.Equal(4, Assert.Single((await _api.GetProductAsync(product.ProductId)).Options).Stock);
        var byOption = await _api.CreateOptionOrderAsync(user.UserId, [(null, product.ProductId, 1)]);
        Assert.Equal(product.ProductId, Assert.Single(byOption.Items).ProductId);
    }

    [StorageFact]
    public async Task AnOrderNamesOptionsByIdAloneOrWithTheirProductAndTakesEachOnesOwnStockAndPrice()
    {
        var user = await FundedUserAsync();
        var product = await _api.CreateProductWithOptionsAsync(("Red", 1_000, 10), ("Blue", 1_500, 4));
        var (red, blue) = (product.Options[0], product.Options[1]);

        var order = await _api.CreateOptionOrderAsync(user.UserId, [(null, blue.OptionId, 3), (product.ProductId, red.OptionId, 2)]);

        Assert.Equal(
            [(product.ProductId, blue.OptionId, "Blue", 3, 1_500L, 4_500L), (product.ProductId, red.OptionId, "Red", 2, 1_000L, 2_000L)],
            order.Items.Select(l => (l.ProductId, l.OptionId, l.OptionName, l.Quantity, l.UnitPrice, l.LineTotal)));
        Assert.Equal(6_500, order.TotalPrice);
        Assert.Equal([8, 1], (await _api.GetProductAsync(product.ProductId)).Options.Select(o => o.Stock));

        await _api.PayAsync(order.OrderId, user.UserId);
        Assert.Equal([8, 1], (await _api.GetProductAsync(product.ProductId)).Options.Select(o => o.Stock));
        var cancelled = await _api.CreateOptionOrderAsync(user.UserId, [(null, blue.OptionId, 1)]);
        Assert.Equal(HttpStatusCode.OK, (await _api.CancelRawAsync(cancelled.OrderId, user.UserId)).StatusCode);
        Assert.Equal([8, 1], (await _api.GetProductAsync(product.ProductId)).Options.Select(o => o.Stock));
    }

    [StorageFact]
    public async Task BadOptionRequestsAreRefusedWithStableCodesAndTakeNothing()
    {
        var user = await FundedUserAsync();
        var product = await _api.CreateProductWithOptionsAsync(("A", 100, 5), ("B", 200, 5));
        var other = await _api.CreateProductAsync(price: 100, stock: 5);
        var (a, b) = (product.Options[0].OptionId, product.Options[1].OptionId);

        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(product.ProductId, null, 1)]),
            HttpStatusCode.BadRequest, "PRODUCT_OPTION_REQUIRED");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(null, 999_999_999, 1)]),
            HttpStatusCode.NotFound, "PRODUCT_OPTION_NOT_FOUND");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(other.ProductId, b, 1)]),
            HttpStatusCode.NotFound, "PRODUCT_OPTION_NOT_FOUND");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(null, a, 1), (null, a, 2)]),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(product.ProductId, a, 1), (null, a, 2)]),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(null, null, 1)]),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateOptionOrderRawAsync(user.UserId, [(null, b, 6)]),
            HttpStatusCode.Conflict, "STOCK_INSUFFICIENT");

        await Problems.AssertAsync(await _api.CreateProductWithOptionsRawAsync("Dup", [("X", 1, 1), ("x", 2, 1)]),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateProductWithOptionsRawAsync("None", []),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateProductWithOptionsRawAsync("Many",
            Enumerable.Range(1, 51).Select(i => ($"o{i}", 1L, 1))), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await _api.CreateProductWithOptionsRawAsync("Negative", [("X", -1, 1)]),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock", new { delta = 1 }),
            HttpStatusCode.BadRequest, "PRODUCT_OPTION_REQUIRED");
        await Problems.AssertAsync(await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock",
            new { delta = 1, optionId = other.ProductId }), HttpStatusCode.NotFound, "PRODUCT_OPTION_NOT_FOUND");
        var adjusted = await ApiClient.ReadAsync<ProductResponse>(
            await _api.PostAsync($"/api/v1/products/{product.ProductId}/stock", new { delta = 3, optionId = b }), HttpStatusCode.OK);

        Assert.Equal([5, 8], adjusted.Options.Select(o => o.Stock));
        Assert.Equal(5, (await _api.GetProductAsync(other.ProductId)).Stock);
        Assert.Equal(0, await _api.GetBalanceAsync(user.UserId) - 100_000);
    }

    [StorageFact]
    public async Task TwoOptionsOfOneProductRacedSeparatelyEachSellExactlyItsOwnStock()
    {
        var product = await _api.CreateProductWithOptionsAsync(("Five", 100, 5), ("Three", 100, 3));
        var (five, three) = (product.Options[0].OptionId, product.Options[1].OptionId);
        var users = new List<UserResponse>();
        foreach (var batch in Enumerable.Range(0, 24).Chunk(12))
        {
            users.AddRange(await Task.WhenAll(batch.Select(_ => _api.CreateUserAsync())));
        }

        var responses = await Task.WhenAll(users.Select((u, i) =>
            _api.CreateOptionOrderRawAsync(u.UserId, [(null, i % 2 == 0 ? five : three, 1)])));

        var created = responses.Select((r, i) => (Option: i % 2 == 0 ? five : three, r.StatusCode))
            .Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Equal((5, 3), (created.Count(c => c.Option == five), created.Count(c => c.Option == three)));
        var codes = await Task.WhenAll(responses.Where(r => r.StatusCode != HttpStatusCode.Created).Select(Problems.CodeOfAsync));
        Assert.Equal(Enumerable.Repeat("STOCK_INSUFFICIENT", 16), codes);
        var after = await _api.GetProductAsync(product.ProductId);
        Assert.Equal([0, 0], after.Options.Select(o => o.Stock));
    }

    private async Task<UserResponse> FundedUserAsync()
    {
        var user = await _api.CreateUserAsync();
        await _api.ChargeAsync(user.UserId, 100_000);
        return user;
    }
}

public sealed class ProductOptionsOnSqlite(SqliteApi factory) : ProductOptionsTests(factory), IClassFixture<SqliteApi>;

[RequiresPostgres]
public sealed class ProductOptionsOnPostgres(PostgresApi factory) : ProductOptionsTests(factory), IClassFixture<PostgresApi>;

[RequiresMySql]
public sealed class ProductOptionsOnMySql(MySqlApi factory) : ProductOptionsTests(factory), IClassFixture<MySqlApi>;
