using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Grains.Faults;
using Xunit.Abstractions;

namespace ECommerce.Api.Tests;

/// <summary>The API as a child process that kills itself (SIGKILL) at one step of the order saga
/// (<see cref="OrderCrashPoints"/>), then started again without the fault over the same database: nothing stays held by
/// an order that does not exist, every answer given holds, wallets equal their history, and the order can still be paid,
/// exactly once.</summary>
public abstract class CrashPointTests(TestDatabase database, ITestOutputHelper output)
    : ChildProcessTests(database, "ecommerce-api-crash")
{
    private const string CreationPrefix = "order.create.";
    private const string PaymentPrefix = "order.pay.";
    private const string Missing = "NOT_FOUND";
    private const long StartBalance = 50_000;
    private const long Discount = 700;
    private const int SigKill = 128 + 9;

    // Every case has a fresh database, whose order ids start at 1: the id of a creation whose answer never came.
    private const long FirstOrderId = 1;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeathDeadline = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, string?> Timing = new()
    {
        // Long enough that an order created before the crash is still payable after a slow restart on a busy machine;
        // recovery does not wait for it: the reminder's first tick comes after one period.
        ["Orders:PaymentTimeout"] = "00:01:00",
        ["Orders:ReminderPeriod"] = "00:00:02",
    };

    public static TheoryData<string> CreationPoints => Points(CreationPrefix);

    public static TheoryData<string> PaymentPoints => Points(PaymentPrefix);

    [Fact]
    public void EveryCrashPointOfTheOrderSagaIsTestedAsACreationOrAPaymentPoint() =>
        Assert.Equal(OrderCrashPoints.All.Count, PointsOf(CreationPrefix).Count() + PointsOf(PaymentPrefix).Count());

    [StorageTheory]
    [MemberData(nameof(CreationPoints))]
    public async Task AfterACrashDuringCreationTheStoredIntentIsFinishedWithExactlyItsHoldsAndPaidOnce(string point)
    {
        var key = $"crash-{Guid.NewGuid():N}";
        Shop shop;
        await using (var crashing = await StartAsync(point))
        {
            try
            {
                shop = await SetUpAsync(crashing.Api);
                await AssertDiesAtAsync(crashing, point,
                    () => crashing.Api.CreateOptionOrderRawAsync(shop.Buyer, shop.Items, shop.CouponId, key));
            }
            catch (Exception) when (Show(crashing))
            {
                throw;
            }
        }

        await using var restarted = await StartAsync(crashAt: null);
        try
        {
            // The intent is stored before any hold, so at every creation point the restarted order's activation (or its
            // reminder) finishes the creation: the holds it had are repeated, the missing ones taken, nothing twice.
            const string expected = "PENDING_PAYMENT";
            await Eventually.WaitAsync(() => ObserveAsync(restarted.Api, shop, FirstOrderId),
                seen => seen == new Observation(expected, ""), Deadline, $"{expected} with exactly its holds");

            // The client's retry under its Idempotency-Key finishes (or redoes) the creation on the same order id.
            var order = await ApiClient.ReadAsync<OrderResponse>(
                await restarted.Api.CreateOptionOrderRawAsync(shop.Buyer, shop.Items, shop.CouponId, key), HttpStatusCode.Created);
            Assert.Equal((FirstOrderId, "PENDING_PAYMENT", shop.PayAmount), (order.OrderId, order.Status, order.PayAmount));
            Assert.Equal(new Observation("PENDING_PAYMENT", ""), await ObserveAsync(restarted.Api, shop, order.OrderId));

            await restarted.Api.PayAsync(order.OrderId, shop.Buyer);
            await AssertPaidOnceAsync(restarted.Api, shop, order.OrderId);
        }
        catch (Exception) when (Show(restarted))
        {
            throw;
        }
    }

    [StorageTheory]
    [MemberData(nameof(PaymentPoints))]
    public async Task AfterACrashDuringPaymentTheOrderEndsPaidOnceOrPayableWithNothingTaken(string point)
    {
        Shop shop;
        OrderResponse order;
        await using (var crashing = await StartAsync(point))
        {
            try
            {
                shop = await SetUpAsync(crashing.Api);
                order = await crashing.Api.CreateOptionOrderAsync(shop.Buyer, shop.Items, shop.CouponId);
                Assert.Equal(shop.PayAmount, order.PayAmount);
                await AssertDiesAtAsync(crashing, point, () => crashing.Api.PayRawAsync(order.OrderId, shop.Buyer));
            }
            catch (Exception) when (Show(crashing))
            {
                throw;
            }
        }

        await using var restarted = await StartAsync(crashAt: null);
        try
        {
            // Reading the order activates it, and an activation that finds PAYING resumes the saga (so does the reminder).
            var settled = await Eventually.WaitAsync(() => ObserveAsync(restarted.Api, shop, order.OrderId),
                seen => seen.Status is "PAID" or "PENDING_PAYMENT" && seen.Violations == "", Deadline,
                "PAID, or PENDING_PAYMENT with nothing taken");
            output.WriteLine($"After a crash at {point} the order is {settled.Status}.");

            if (settled.Status == "PENDING_PAYMENT")
            {
                await restarted.Api.PayAsync(order.OrderId, shop.Buyer);
            }

            await AssertPaidOnceAsync(restarted.Api, shop, order.OrderId);
        }
        catch (Exception) when (Show(restarted))
        {
            throw;
        }
    }

    public static TheoryData<string> CartPoints => new(CartCrashPoints.All);

    [StorageTheory]
    [MemberData(nameof(CartPoints))]
    public async Task AfterACrashDuringACartCheckoutTheNextCallToTheCartFinishesItAndTheRetryAnswersThatOrder(string point)
    {
        var key = $"crash-{Guid.NewGuid():N}";
        Shop shop;
        await using (var crashing = await StartAsync(point))
        {
            try
            {
                shop = await SetUpAsync(crashing.Api);
                foreach (var line in shop.Lines)
                {
                    await crashing.Api.SetCartItemAsync(shop.Buyer, line.OptionId, line.Quantity);
                }

                await AssertDiesAtAsync(crashing, point, () => crashing.Api.CheckoutRawAsync(shop.Buyer, shop.CouponId, key));
            }
            catch (Exception) when (Show(crashing))
            {
                throw;
            }
        }

        await using var restarted = await StartAsync(crashAt: null);
        try
        {
            // The checkout was stored before the order was asked: reading the cart finishes it (the order is created with
            // exactly its holds) and empties the cart.
            Assert.Empty((await restarted.Api.GetCartAsync(shop.Buyer)).Items);
            Assert.Equal(new Observation("PENDING_PAYMENT", ""), await ObserveAsync(restarted.Api, shop, FirstOrderId));

            // The client's retry under its Idempotency-Key is answered with that order, not CART_EMPTY nor a second one.
            var order = await ApiClient.ReadAsync<OrderResponse>(
                await restarted.Api.CheckoutRawAsync(shop.Buyer, shop.CouponId, key), HttpStatusCode.Created);
            Assert.Equal((FirstOrderId, "PENDING_PAYMENT", shop.PayAmount), (order.OrderId, order.Status, order.PayAmount));
            Assert.Empty((await restarted.Api.GetCartAsync(shop.Buyer)).Items);

            await restarted.Api.PayAsync(order.OrderId, shop.Buyer);
            await AssertPaidOnceAsync(restarted.Api, shop, order.OrderId);
        }
        catch (Exception) when (Show(restarted))
        {
            throw;
        }
    }

    private static TheoryData<string> Points(string prefix) => new(PointsOf(prefix));

    private static IEnumerable<string> PointsOf(string prefix) =>
        OrderCrashPoints.All.Where(p => p.StartsWith(prefix, StringComparison.Ordinal));

    private Task<ApiProcess> StartAsync(string? crashAt)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in Timing)
        {
            settings[key] = value;
        }

        if (crashAt is not null)
        {
            settings["Faults:CrashAt"] = crashAt;
        }

        return ApiProcess.StartAsync(settings, WorkingDirectory, Accounts);
    }

    /// <summary>The request must not be answered: the process has to kill itself at <paramref name="point"/>.</summary>
    private static async Task AssertDiesAtAsync(ApiProcess process, string point, Func<Task<HttpResponseMessage>> request)
    {
        try
        {
            var answer = await request();
            Assert.Fail($"The request through {point} was answered {(int)answer.StatusCode}: "
                + await answer.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            // The connection died with the process.
        }

        var exitCode = await process.WaitForExitAsync(DeathDeadline);
        Assert.True(exitCode == SigKill,
            $"Expected the process to kill itself at {point} (exit code {SigKill}); exit code: {exitCode?.ToString() ?? "still running"}.");
    }

    /// <summary>A funded buyer and bystander, a product with two options and one without, and a two-copy coupon issued
    /// to both. The order's lines name an option with its product, an option alone, and a product alone.</summary>
    private static async Task<Shop> SetUpAsync(ApiClient api)
    {
        var buyer = await api.CreateUserAsync("Buyer");
        await api.ChargeAsync(buyer.UserId, StartBalance);
        var bystander = await api.CreateUserAsync("Bystander");
        await api.ChargeAsync(bystander.UserId, StartBalance);
        var first = await api.CreateProductWithOptionsAsync(("A", 1_000, 10), ("B", 1_500, 4));
        var (a, b) = (first.Options[0].OptionId, first.Options[1].OptionId);
        var second = await api.CreateProductAsync(price: 2_500, stock: 5);
        var coupon = await api.CreateCouponAsync(Discount, totalQuantity: 2);
        await api.IssueCouponAsync(coupon.CouponId, buyer.UserId);
        await api.IssueCouponAsync(coupon.CouponId, bystander.UserId);
        return new Shop(buyer.UserId, bystander.UserId, coupon.CouponId,
            new Dictionary<long, (long, int)> { [a] = (first.ProductId, 10), [b] = (first.ProductId, 4), [second.ProductId] = (second.ProductId, 5) },
            [(first.ProductId, a, 2), (null, b, 1), (second.ProductId, null, 1)],
            [(first.ProductId, a, 2), (first.ProductId, b, 1), (second.ProductId, second.ProductId, 1)],
            2 * 1_000 + 1_500 + 2_500 - Discount);
    }

    /// <summary>The order's status and every way the rest of the shop disagrees with it: what the order holds (stock and
    /// the buyer's coupon copy), what it took (the buyer's money), and that nothing else moved.</summary>
    private static async Task<Observation> ObserveAsync(ApiClient api, Shop shop, long orderId)
    {
        var response = await api.GetAsync($"/api/v1/orders/{orderId}");
        var status = response.StatusCode == HttpStatusCode.NotFound
            && await Problems.CodeOfAsync(response) == "ORDER_NOT_FOUND"
                ? Missing
                : (await ApiClient.ReadAsync<OrderResponse>(response, HttpStatusCode.OK)).Status;
        var violations = new List<string>();

        // An order that exists (so its creation was or will be acknowledged) is in its user's list; one that does not
        // (creating, or released) is not.
        var listed = (await api.ListUserOrdersAsync(shop.Buyer, 1, 100)).Items.Any(o => o.OrderId == orderId);
        if (listed != (status != Missing))
        {
            violations.Add($"the order is {status} but {(listed ? "" : "not ")}in the buyer's list");
        }

        // stock + sold + held = initial, per option: an open order holds its quantities, a paid one sold them, any other
        // holds none.
        var takesStock = status is "PENDING_PAYMENT" or "PAYING" or "PAID";
        foreach (var (optionId, (productId, initial)) in shop.InitialStock)
        {
            var expected = initial - (takesStock ? shop.Lines.Where(l => l.OptionId == optionId).Sum(l => l.Quantity) : 0);
            var stock = (await api.GetProductAsync(productId)).Options.Single(o => o.OptionId == optionId).Stock;
            if (stock != expected)
            {
                violations.Add($"option {optionId} of product {productId} has stock {stock}, expected {expected}");
            }
        }

        string[] couponStatuses = status switch
        {
            "PENDING_PAYMENT" => ["RESERVED"],
            "PAYING" => ["RESERVED", "USED"],
            "PAID" => ["USED"],
            _ => ["AVAILABLE"],
        };
        var buyerCopy = await CouponCopyAsync(api, shop.Buyer, shop.CouponId);
        if (!couponStatuses.Contains(buyerCopy))
        {
            violations.Add($"the buyer's coupon is {buyerCopy}, expected {string.Join(" or ", couponStatuses)}");
        }

        var bystanderCopy = await CouponCopyAsync(api, shop.Bystander, shop.CouponId);
        if (bystanderCopy != "AVAILABLE")
        {
            violations.Add($"the bystander's coupon is {bystanderCopy}");
        }

        var (balance, history) = (await api.GetBalanceAsync(shop.Buyer), await api.GetHistoryAsync(shop.Buyer));
        var fromHistory = history.Sum(h => h.Type == "USE" ? -h.Amount : h.Amount);
        if (balance != fromHistory)
        {
            violations.Add($"the buyer's balance is {balance}, the history sums to {fromHistory}");
        }

        var uses = history.Where(h => h.OrderId == orderId && h.Type == "USE").Select(h => h.Amount).ToList();
        var refunds = history.Where(h => h.OrderId == orderId && h.Type == "REFUND").Select(h => h.Amount).ToList();
        var takenOnce = uses.SequenceEqual([shop.PayAmount]) && refunds.Count == 0;
        var nothingTaken = uses.Sum() == refunds.Sum();
        var moneyRight = status switch
        {
            "PAID" => takenOnce,
            "PAYING" => takenOnce || nothingTaken,
            _ => nothingTaken,
        };
        if (!moneyRight || balance != StartBalance - (takenOnce ? shop.PayAmount : 0))
        {
            violations.Add($"the buyer paid [{string.Join(", ", uses)}] and got back [{string.Join(", ", refunds)}], "
                + $"balance {balance}");
        }

        var bystanderHistory = await api.GetHistoryAsync(shop.Bystander);
        var bystanderBalance = await api.GetBalanceAsync(shop.Bystander);
        if (bystanderBalance != StartBalance || bystanderHistory.Count != 1)
        {
            violations.Add($"the bystander's balance is {bystanderBalance} after {bystanderHistory.Count} entries");
        }

        return new Observation(status, string.Join("; ", violations));
    }

    /// <summary>PAID with money, coupon and stock taken once; a second payment is refused and takes nothing; the
    /// OrderPaid event reached the ranking and was counted once.</summary>
    private static async Task AssertPaidOnceAsync(ApiClient api, Shop shop, long orderId)
    {
        Assert.Equal(new Observation("PAID", ""), await ObserveAsync(api, shop, orderId));
        await Problems.AssertAsync(await api.PayRawAsync(orderId, shop.Buyer), HttpStatusCode.Conflict, "ORDER_NOT_PAYABLE");
        Assert.Equal(new Observation("PAID", ""), await ObserveAsync(api, shop, orderId));

        // Counted once: a second delivery of the event (same event id) must not count again.
        var expected = string.Join(", ", shop.Lines.GroupBy(l => l.ProductId).OrderBy(g => g.Key).Select(g =>
            $"{g.Key}x{g.Sum(l => l.Quantity)}({string.Join("+", g.OrderBy(l => l.OptionId).Select(l => $"{l.OptionId}x{l.Quantity}"))})"));
        await Eventually.WaitAsync(() => SalesAsync(api, shop), sales => sales == expected, Deadline,
            $"counted in the ranking as {expected}");
    }

    private static async Task<string> SalesAsync(ApiClient api, Shop shop) =>
        string.Join(", ", (await ApiClient.ReadAsync<List<TopProductResponse>>(
                await api.GetAsync("/api/v1/products/top?days=1&limit=50"), HttpStatusCode.OK))
            .Where(top => shop.Lines.Any(l => l.ProductId == top.ProductId)).OrderBy(top => top.ProductId)
            .Select(top => $"{top.ProductId}x{top.SalesCount}({string.Join("+", top.Options.OrderBy(o => o.OptionId).Select(o => $"{o.OptionId}x{o.Quantity}"))})"));

    private static async Task<string> CouponCopyAsync(ApiClient api, long userId, long couponId) =>
        (await api.GetUserCouponsAsync(userId)).Single(c => c.CouponId == couponId).Status;

    // An exception filter: the process's log goes to the test output, and the failure stays as it was.
    private bool Show(ApiProcess process)
    {
        output.WriteLine(process.RecentOutput);
        return false;
    }

    /// <param name="InitialStock">Per option id: its product and its stock before the order.</param>
    /// <param name="Items">The order's lines as sent; <paramref name="Lines"/> the same lines resolved.</param>
    private sealed record Shop(long Buyer, long Bystander, long CouponId,
        IReadOnlyDictionary<long, (long ProductId, int Initial)> InitialStock,
        IReadOnlyList<(long? ProductId, long? OptionId, int Quantity)> Items,
        IReadOnlyList<(long ProductId, long OptionId, int Quantity)> Lines, long PayAmount);

    /// <param name="Violations">Empty when the shop agrees with the order's status.</param>
    private sealed record Observation(string Status, string Violations);
}

public sealed class CrashPointsOnSqlite(ITestOutputHelper output) : CrashPointTests(new SqliteTestDatabase(), output);

[RequiresPostgres]
public sealed class CrashPointsOnPostgres(ITestOutputHelper output) : CrashPointTests(new PostgresTestDatabase(), output);

[RequiresMySql]
public sealed class CrashPointsOnMySql(ITestOutputHelper output) : CrashPointTests(new MySqlTestDatabase(), output);
