using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.Bench.Load;
using ECommerce.Bench.Reporting;

namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001's load test: each of N users issues the coupon, orders two products with it and pays. Beside the
/// load, the top-5 is read back to back, and the time from each payment's answer to the top-5 counting it is reported.</summary>
internal sealed class FullFlowScenario : Scenario
{
    // The ranking's own top-N, read at its largest N: with warm-up rounds before the load, their products sit at the same
    // sales count product X is climbing to and would hide it from a top-5 (the ranking itself is the same for any N).
    private const string RankingRead = "products/top?days=3&limit=50";

    // How long after the load the top-5 may take to count every paid order before the measurement gives up.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<long> _paidAt = new();

    private const long Charge = 100_000;
    private const long Discount = 1_000;
    private const long PriceX = 5_000;
    private const long PriceY = 3_000;
    private const long PayAmount = PriceX + PriceY - Discount;
    private long[] _users = [];
    private long _couponId;
    private long _productX;
    private long _productY;

    public override string Name => "full-flow";

    public override string Description => "N users each issue a coupon, POST /orders (2 products, the coupon) and pay";

    public override int DefaultUsers => 100;

    private static int Stock(ScenarioContext context) => context.Stock ?? context.Users;

    private static int Paid(ScenarioContext context) => Math.Min(context.Users, Stock(context));

    public override long PlannedRequests(ScenarioContext context) => 2L * context.Users + Paid(context);

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "flow", context.Users, Charge).ConfigureAwait(false);
        _couponId = await Setup.CreateCouponAsync(context, "Flow coupon", Discount, context.Users).ConfigureAwait(false);
        _productX = await Setup.CreateProductAsync(context, "Flow X", PriceX, Stock(context)).ConfigureAwait(false);
        _productY = await Setup.CreateProductAsync(context, "Flow Y", PriceY, Stock(context)).ConfigureAwait(false);
    }

    public override int Items(ScenarioContext context) => _users.Length;

    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var userId = _users[item];
        var issue = await context.Client.PostAsync($"coupons/{_couponId}/issue", new { userId }, "issue", context.CancellationToken, asUser: userId)
            .ConfigureAwait(false);
        if (issue.Status != 201)
        {
            return;
        }

        var order = await context.Client.PostAsync("orders", new
        {
            userId,
            items = new[] { new { productId = _productX, quantity = 1 }, new { productId = _productY, quantity = 1 } },
            couponId = _couponId,
        }, "order", context.CancellationToken, asUser: userId).ConfigureAwait(false);
        if (order.Status == 201)
        {
            var pay = await context.Client.PostAsync($"orders/{order.Long("orderId")}/payment", new { userId }, "pay", context.CancellationToken, asUser: userId)
                .ConfigureAwait(false);
            if (pay.Status == 200)
            {
                _paidAt.Enqueue(Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>The k-th payment answered (in answer order) against the first top-5 read that shows product X with k sales:
    /// the time a paid order takes to appear in the ranking, to within one read (reads run back to back on their own
    /// connection), against the project only. Reads stop once the top-5 counts every paid order, or <see cref="SettleLimit"/> after the load.</summary>
    public override async Task<IReadOnlyList<Measurement>> ObserveAsync(ScenarioContext context, Task load)
    {
        if (!context.Client.SignsIn)
        {
            // The baseline keeps no ranking (and has no accounts to sign the reader in with).
            return [];
        }

        using var reader = new ApiClient(new Uri(context.Client.BaseAddress, "/"), 1);
        var seen = new List<(long Count, long At)>();
        long? settleBy = null;
        while (true)
        {
            var response = await reader.GetExpectingAsync(RankingRead, context.CancellationToken).ConfigureAwait(false);
            var at = Stopwatch.GetTimestamp();
            var count = response.Json.EnumerateArray()
                .Where(top => top.GetProperty("productId").GetInt64() == _productX)
                .Select(top => top.GetProperty("salesCount").GetInt64())
                .FirstOrDefault();
            if (seen.Count == 0 || count > seen[^1].Count)
            {
                seen.Add((count, at));
            }

            if (load.IsCompleted)
            {
                settleBy ??= at + (long)(SettleLimit.TotalSeconds * Stopwatch.Frequency);
                if (count >= _paidAt.Count || at > settleBy)
                {
                    break;
                }
            }
        }

        var paid = _paidAt.Order().ToArray();
        var latencies = new List<double>(paid.Length);
        for (var k = 1; k <= paid.Length; k++)
        {
            var shown = seen.FirstOrDefault(s => s.Count >= k);
            if (shown.At != 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(paid[k - 1], shown.At).TotalMilliseconds);
            }
        }

        var missing = paid.Length - latencies.Count;
        return
        [
            new Measurement("paid_to_top5", latencies.Count, latencies.Count == 0 ? null : LatencySummary.Of([.. latencies]),
                missing == 0 ? $"{seen.Count} distinct top-5 counts read" : $"{missing} paid orders not in the top-5 {SettleLimit.TotalSeconds:0} s after the load"),
        ];
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["issue"] = [201], ["order"] = [201, 409], ["pay"] = [200] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var paid = Paid(context);
        var debited = await Setup.UsersWithBalanceAsync(context, _users, _ => Charge - PayAmount).ConfigureAwait(false);
        return
        [
            Invariant.Equal("coupon issuedQuantity == N", context.Users, await Setup.IssuedAsync(context, _couponId).ConfigureAwait(false)),
            Invariant.Equal("orders answered 201 == min(N,S)", paid, context.Recorder.Count("order", 201)),
            Invariant.Equal("payments answered 200 == min(N,S)", paid, context.Recorder.Count("pay", 200)),
            Invariant.Equal("product X stock == S - paid", Stock(context) - paid, await Setup.StockAsync(context, _productX).ConfigureAwait(false)),
            Invariant.Equal("product Y stock == S - paid", Stock(context) - paid, await Setup.StockAsync(context, _productY).ConfigureAwait(false)),
            Invariant.Equal("users with balance == 100,000 - (8,000 - 1,000 coupon) == paid", paid, debited),
        ];
    }
}
