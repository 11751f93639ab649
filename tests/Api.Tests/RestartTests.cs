using System.Collections.Concurrent;
using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;
using Xunit.Abstractions;

namespace ECommerce.Api.Tests;

/// <summary>The API as a child process, killed hard (in the middle of a burst of payments, or while an unpaid order waits
/// for its payment timeout) and started again over the same database.</summary>
public abstract class RestartTests(TestDatabase database, ITestOutputHelper output)
    : ChildProcessTests(database, "ecommerce-api-restart")
{
    private const long StartBalance = 100_000;
    private const int Stock = 200;
    private const int KillAfter = 12;
    private const int OrdersPerUser = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShortPaymentTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(20);

    [StorageFact]
    public async Task KillingTheProcessInTheMiddleOfABurstOfPaymentsLeavesEveryOrderStockAndBalanceConsistent()
    {
        List<UserResponse> users;
        List<ProductResponse> products;
        List<OrderResponse> orders;
        var answeredPaid = new ConcurrentBag<long>();
        await using (var first = await ApiProcess.StartAsync(Settings, WorkingDirectory, Accounts))
        {
            (users, products, orders) = await SetUpAsync(first.Api);
            var answered = 0;
            // One worker per user pays that user's orders one after another until the process dies under it.
            var workers = users.Select(user => Task.Run(async () =>
            {
                foreach (var order in orders.Where(o => o.UserId == user.UserId))
                {
                    try
                    {
                        var response = await first.Api.PayRawAsync(order.OrderId, user.UserId);
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        answeredPaid.Add(order.OrderId);
                        if (Interlocked.Increment(ref answered) == KillAfter)
                        {
                            // Killed from here, while the other workers' payments are on the wire.
                            first.Kill();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToList();
            await Task.WhenAll(workers);
        }

        Assert.InRange(answeredPaid.Count, KillAfter, orders.Count - 1);
        await using var second = await ApiProcess.StartAsync(Settings, WorkingDirectory, Accounts);
        try
        {
            await AssertRecoveredAsync(second.Api, users, products, orders, answeredPaid);
        }
        catch (Exception) when (Show(second))
        {
            throw;
        }
    }

    [StorageFact]
    public async Task AnUnpaidOrderWhoseProcessWasKilledExpiresAfterTheRestartAndGivesBackItsStockAndItsCoupon()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Orders:PaymentTimeout"] = ShortPaymentTimeout.ToString("c"),
        };
        UserResponse user;
        ProductResponse product;
        OrderResponse order;
        await using (var first = await ApiProcess.StartAsync(settings, WorkingDirectory, Accounts))
        {
            user = await first.Api.CreateUserAsync();
            await first.Api.ChargeAsync(user.UserId, 10_000);
            product = await first.Api.CreateProductAsync(1_000, 5);
            var coupon = await first.Api.CreateCouponAsync(300, 1);
            await first.Api.IssueCouponAsync(coupon.CouponId, user.UserId);
            order = await first.Api.CreateOrderAsync(user.UserId, [(product.ProductId, 2)], coupon.CouponId);
            // Read before the kill: waiting for a killed process tree and its output to end can take seconds on a
            // loaded machine, and the kill is what must come before the timeout.
            var killedAt = DateTimeOffset.UtcNow;
            first.Kill();

            // Otherwise the first process could have expired it and the restart would prove nothing.
            Assert.True(killedAt < order.ExpiresAt,
                $"The process was killed at {killedAt:O}, after the order's timeout ({order.ExpiresAt:O}).");
        }

        Assert.Equal("PENDING_PAYMENT", order.Status);
        Assert.Equal(300, order.DiscountAmount);
        await using var second = await ApiProcess.StartAsync(settings, WorkingDirectory, Accounts);
        try
        {
            // Reading the order does not expire it: only the reminder, stored before the kill, can.
            await Eventually.WaitAsync(() => second.Api.GetOrderAsync(order.OrderId), o => o.Status == "EXPIRED",
                ExpiryDeadline, "expired");

            Assert.Equal(5, (await second.Api.GetProductAsync(product.ProductId)).Stock);
            Assert.Equal("AVAILABLE", Assert.Single(await second.Api.GetUserCouponsAsync(user.UserId)).Status);
            await Problems.AssertAsync(await second.Api.PayRawAsync(order.OrderId, user.UserId), HttpStatusCode.Conflict,
                "ORDER_NOT_PAYABLE");
            Assert.Equal(10_000, await second.Api.GetBalanceAsync(user.UserId));
        }
        catch (Exception) when (Show(second))
        {
            throw;
        }
    }

    private static async Task AssertRecoveredAsync(ApiClient api, List<UserResponse> users, List<ProductResponse> products,
        List<OrderResponse> orders, IEnumerable<long> answeredPaid)
    {
        // Reading an order activates it, and an activation that finds its payment in flight finishes it first.
        var settled = await Eventually.WaitAsync(() => ReadAllAsync(api, orders), all => all.All(o => o.Status != "PAYING"),
            Deadline, "settled");
        await AssertConsistentAsync(api, users, products, settled);
        Assert.All(answeredPaid, id => Assert.Equal("PAID", settled.Single(o => o.OrderId == id).Status));

        foreach (var unpaid in settled.Where(o => o.Status != "PAID"))
        {
            await api.PayAsync(unpaid.OrderId, unpaid.UserId);
        }

        var final = await ReadAllAsync(api, orders);
        Assert.All(final, o => Assert.Equal("PAID", o.Status));
        await AssertConsistentAsync(api, users, products, final);
    }

    // An exception filter: the restarted process's log goes to the test output, and the failure stays as it was.
    private bool Show(ApiProcess process)
    {
        output.WriteLine(process.RecentOutput);
        return false;
    }

    private static async Task<(List<UserResponse>, List<ProductResponse>, List<OrderResponse>)> SetUpAsync(ApiClient api)
    {
        var users = new List<UserResponse>();
        for (var i = 0; i < 8; i++)
        {
            var user = await api.CreateUserAsync();
            await api.ChargeAsync(user.UserId, StartBalance);
            users.Add(user);
        }

        var products = new List<ProductResponse>();
        for (var i = 1; i <= 3; i++)
        {
            products.Add(await api.CreateProductAsync(i * 1_000, Stock));
        }

        var orders = new List<OrderResponse>();
        foreach (var user in users)
        {
            for (var k = 0; k < OrdersPerUser; k++)
            {
                orders.Add(await api.CreateOrderAsync(user.UserId,
                    [(products[k % 3].ProductId, 1 + k % 2), (products[(k + 1) % 3].ProductId, 1)]));
            }
        }

        return (users, products, orders);
    }

    private static async Task<List<OrderResponse>> ReadAllAsync(ApiClient api, IEnumerable<OrderResponse> orders) =>
        [.. await Task.WhenAll(orders.Select(o => api.GetOrderAsync(o.OrderId)))];

    /// <summary>PAID exactly when the wallet holds one net debit of its amount; stock is held by every open or paid
    /// order; no money is created or lost.</summary>
    private static async Task AssertConsistentAsync(ApiClient api, List<UserResponse> users, List<ProductResponse> products,
        List<OrderResponse> orders)
    {
        Assert.All(orders, o => Assert.Contains(o.Status, new[] { "PAID", "PENDING_PAYMENT" }));
        long balances = 0;
        foreach (var user in users)
        {
            var mine = orders.Where(o => o.UserId == user.UserId).ToList();
            var history = await api.GetHistoryAsync(user.UserId);
            foreach (var order in mine)
            {
                var uses = history.Where(h => h.OrderId == order.OrderId && h.Type == "USE").ToList();
                var refunds = history.Count(h => h.OrderId == order.OrderId && h.Type == "REFUND");
                if (order.Status == "PAID")
                {
                    Assert.Equal(order.PayAmount, Assert.Single(uses).Amount);
                    Assert.Equal(0, refunds);
                }
                else
                {
                    Assert.Equal(uses.Count, refunds);
                }
            }

            var balance = await api.GetBalanceAsync(user.UserId);
            Assert.Equal(StartBalance - mine.Where(o => o.Status == "PAID").Sum(o => o.PayAmount), balance);
            balances += balance;
        }

        Assert.Equal(users.Count * StartBalance, balances + orders.Where(o => o.Status == "PAID").Sum(o => o.PayAmount));
        foreach (var product in products)
        {
            var held = orders.SelectMany(o => o.Items).Where(l => l.ProductId == product.ProductId).Sum(l => l.Quantity);
            Assert.Equal(Stock - held, (await api.GetProductAsync(product.ProductId)).Stock);
        }
    }
}

public sealed class RestartOnSqlite(ITestOutputHelper output) : RestartTests(new SqliteTestDatabase(), output);

[RequiresPostgres]
public sealed class RestartOnPostgres(ITestOutputHelper output) : RestartTests(new PostgresTestDatabase(), output);

[RequiresMySql]
public sealed class RestartOnMySql(ITestOutputHelper output) : RestartTests(new MySqlTestDatabase(), output);
