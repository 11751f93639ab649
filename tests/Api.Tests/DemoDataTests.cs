using System.Net;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests;

/// <summary>DemoData:Enabled=true, which every other test turns off: the API as a child process over a fresh
/// database seeds the demo catalog once, and a second start over the same database adds nothing.</summary>
public abstract class DemoDataTests(TestDatabase database) : IAsyncLifetime
{
    private const int Products = 20;
    private const int Users = 3;

    // The bootstrap admin is created after the demo data, so it takes the next user id.
    private const long AdminUserId = Users + 1;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _workingDirectory = Path.Combine(Path.GetTempPath(), "ecommerce-api-demo", Guid.NewGuid().ToString("N"));
    private Dictionary<string, string?> _settings = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workingDirectory);
        if (database.IsAvailable)
        {
            _settings = new Dictionary<string, string?>(await database.CreateAsync()) { ["DemoData:Enabled"] = "true" };
        }
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [StorageFact]
    public async Task DemoDataSeedsTwentyProductsACouponOfOneHundredAndThreeFundedUsersOnceAndASecondStartAddsNothing()
    {
        List<long> seededProductIds;
        List<(long UserId, long Balance)> seededBalances;
        var accounts = new TestAccounts();
        await using (var first = await ApiProcess.StartAsync(_settings, _workingDirectory, accounts))
        {
            var catalog = await Eventually.WaitAsync(() => first.Api.ListProductsAsync(100), page => page.Total >= Products,
                Deadline, "seeded");
            seededProductIds = AssertDemoCatalog(catalog);
            seededBalances = await AssertDemoCouponAndUsersAsync(first.Api);
        }

        await using var second = await ApiProcess.StartAsync(_settings, _workingDirectory, accounts);

        // Start-up tasks finish before the API answers, so any second seeding would show here as extra rows.
        Assert.Equal(seededProductIds, AssertDemoCatalog(await second.Api.ListProductsAsync(100)));
        Assert.Equal(seededBalances, await AssertDemoCouponAndUsersAsync(second.Api));
    }

    private static List<long> AssertDemoCatalog(ProductPageResponse catalog)
    {
        Assert.Equal(Products, catalog.Total);
        Assert.Equal(Products, catalog.Items.Count);
        Assert.All(catalog.Items, p => Assert.StartsWith("Demo product ", p.Name, StringComparison.Ordinal));
        var sized = Assert.Single(catalog.Items, p => p.Options.Count > 1);
        Assert.Equal([("S", 20_000L, 100), ("M", 20_000L, 100), ("L", 22_000L, 50)],
            sized.Options.Select(o => (o.Name, o.Price, o.Stock)));
        Assert.Equal(sized.ProductId, sized.Options[0].OptionId);
        var ids = catalog.Items.Select(p => p.ProductId).Order().ToList();
        Assert.Equal(Products, ids.Distinct().Count());
        return ids;
    }

    /// <summary>On a fresh database every sequence starts at 1 and the seeder reserves the coupon and then users 1..3
    /// in order, so those are their ids, and the bootstrap admin's is the next; coupon 2 and user 5 must not exist. Each
    /// demo user signs in with the password the README lists.</summary>
    private static async Task<List<(long UserId, long Balance)>> AssertDemoCouponAndUsersAsync(ApiClient api)
    {
        var coupon = await api.GetCouponAsync(1);
        Assert.Equal(("Welcome coupon", 100), (coupon.Name, coupon.TotalQuantity));
        await Problems.AssertAsync(await api.GetAsync("/api/v1/coupons/2"), HttpStatusCode.NotFound, "COUPON_NOT_FOUND");

        var balances = new List<(long, long)>();
        for (long userId = 1; userId <= Users; userId++)
        {
            Assert.Equal($"Demo user {userId}", (await api.GetUserAsync(userId)).Name);
            var token = await TestAccounts.SignInAsync(api.Http, $"demo{userId}@example.com", $"demo-password-{userId}");
            using var own = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/{userId}/balance") { Headers = { Authorization = new("Bearer", token) } };
            Assert.Equal(HttpStatusCode.OK, (await api.Http.SendAsync(own)).StatusCode);
            var balance = await api.GetBalanceAsync(userId);
            Assert.True(balance > 0, $"Demo user {userId} has balance {balance}.");
            balances.Add((userId, balance));
        }

        Assert.Equal("Administrator", (await api.GetUserAsync(AdminUserId)).Name);
        await Problems.AssertAsync(await api.GetAsync($"/api/v1/users/{AdminUserId + 1}"), HttpStatusCode.NotFound, "USER_NOT_FOUND");
        return balances;
    }
}

public sealed class DemoDataOnSqlite() : DemoDataTests(new SqliteTestDatabase());

[RequiresPostgres]
public sealed class DemoDataOnPostgres() : DemoDataTests(new PostgresTestDatabase());

[RequiresMySql]
public sealed class DemoDataOnMySql() : DemoDataTests(new MySqlTestDatabase());
