using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Api.Users;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.Hosting;
using Xunit.Abstractions;

namespace ECommerce.Api.Tests.Cluster;

/// <summary>Three API processes as one cluster (membership in Redis or in the database, one database): a flash sale
/// spread over their HTTP
/// ports while one of them is killed with SIGKILL. Every 2xx answer holds afterwards, the survivors serve the dead
/// node's grains again within <see cref="RecoveryLimit"/>, an unpaid order that lived on the dead node expires on time
/// from its reminder, and the killed node restarts, rejoins and serves.</summary>
public abstract class ClusterFailoverTests(TestDatabase database, ClusterProvider membership, ITestOutputHelper output)
    : ChildProcessTests(database, "ecommerce-api-cluster")
{
    private const int Nodes = 3;
    private const int Victim = 2;
    private const int Buyers = 24;
    private const int Stock = 16;
    private const int Coupons = 10;
    private const long Price = 1_000;
    private const long Discount = 300;
    private const long StartBalance = 10_000;
    private const int KillAfterPaid = 5;

    // Enough for every unpaid order made while looking for one placed on the victim.
    private const int SleeperStock = 200;

    // Placement weighs each silo's load; on a busy machine the victim may be passed over many times in a row.
    private const int PlacementAttempts = 100;

    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BuyerDeadline = TimeSpan.FromSeconds(60);

    // Reminder ticks come at period boundaries; a survivor takes over the dead node's reminders once it is declared
    // dead (within RecoveryLimit). Beyond that, scheduling on a busy machine.
    private static readonly TimeSpan ExpiryLimit = ReminderPeriod + RecoveryLimit + TimeSpan.FromSeconds(3);

    [StorageFact]
    public async Task AFlashSaleOverThreeNodesKeepsEveryAnswerWhenOneIsKilledAndTheKilledNodeRejoins()
    {
        await using var nodes = await ClusterNodes.StartAsync(Settings, membership, new Dictionary<string, string?>
        {
            ["Orders:PaymentTimeout"] = PaymentTimeout.ToString("c"),
            ["Orders:ReminderPeriod"] = ReminderPeriod.ToString("c"),
        }, WorkingDirectory, Nodes);
        try
        {
            await RunAsync(nodes);
        }
        catch (Exception) when (Show(nodes))
        {
            throw;
        }
    }

    private async Task RunAsync(ClusterNodes nodes)
    {
        Assert.Equal(Nodes, await nodes.ActiveSilosAsync());
        var api = nodes[0].Api;
        var product = await api.CreateProductAsync(Price, Stock, "flash");
        var coupon = await api.CreateCouponAsync(Discount, Coupons);
        var buyers = new List<UserResponse>();
        for (var i = 0; i < Buyers; i++)
        {
            var user = await nodes[i % Nodes].Api.CreateUserAsync($"buyer {i}");
            await nodes[i % Nodes].Api.ChargeAsync(user.UserId, StartBalance);
            buyers.Add(user);
        }

        // Grains on the node about to die: a product to probe recovery with, and an unpaid order left to its reminder.
        // Made through the victim's own HTTP port: Orleans's placement then leans to the local silo.
        var probe = await OnVictimAsync(nodes, () => nodes[Victim].Api.CreateProductAsync(Price, 1, "probe"),
            p => nodes.Grains.GetGrain<IProductGrain>(p.ProductId));
        var sleeper = await api.CreateUserAsync("sleeper");
        await api.ChargeAsync(sleeper.UserId, StartBalance);
        var sleeperStock = await api.CreateProductAsync(Price, SleeperStock, "sleeper stock");
        var unpaid = new List<OrderResponse>();
        var unpaidOnVictim = await OnVictimAsync(nodes, async () =>
            {
                var order = await nodes[Victim].Api.CreateOrderAsync(sleeper.UserId, [(sleeperStock.ProductId, 1)]);
                unpaid.Add(order);
                return order;
            },
            o => nodes.Grains.GetGrain<IOrderGrain>(o.OrderId));
        output.WriteLine($"probe product {probe.ProductId} and unpaid order {unpaidOnVictim.OrderId} live on node {Victim}");

        var sale = new FlashSale(nodes, product.ProductId, coupon.CouponId);
        var killed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        sale.Paid += count =>
        {
            if (count == KillAfterPaid)
            {
                nodes.Kill(Victim);
                killed.TrySetResult(clock.Elapsed);
            }
        };
        var buying = buyers.Select((buyer, i) => Task.Run(() => sale.BuyAsync(buyer.UserId, i % Nodes))).ToList();
        var killedAt = await killed.Task.WaitAsync(BuyerDeadline);
        var answersBeforeKill = sale.Answers.Count;
        Assert.True(DateTimeOffset.UtcNow < unpaidOnVictim.ExpiresAt - ReminderPeriod,
            $"The node was killed only after the unpaid order's timeout ({unpaidOnVictim.ExpiresAt:O}); nothing proven.");

        // Each survivor: the time from the kill to its first good answer that needs a grain of the dead node.
        var recoveries = await Task.WhenAll(Enumerable.Range(0, Nodes).Where(n => n != Victim)
            .Select(n => FirstGoodAnswerAsync(nodes[n].Api, $"/api/v1/products/{probe.ProductId}", clock, killedAt)));
        output.WriteLine($"kill at {killedAt.TotalSeconds:F2} s; first good answers after {string.Join(", ",
            recoveries.Select(r => $"{r.TotalSeconds:F2} s"))}; {answersBeforeKill} answers before the kill");
        Assert.All(recoveries, recovery => Assert.True(recovery < RecoveryLimit, $"A survivor answered only after {recovery}."));

        await Task.WhenAll(buying);
        await AssertSaleAsync(nodes[0].Api, sale, buyers, product.ProductId, coupon.CouponId);

        // Untouched since its creation: only its reminder, now on a survivor, can expire it.
        foreach (var order in unpaid.OrderBy(o => o.ExpiresAt))
        {
            var wait = order.ExpiresAt + ExpiryLimit - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                // Waiting for a deadline, not for a condition: reading earlier would activate the order elsewhere.
                await Task.Delay(wait);
            }

            Assert.Equal("EXPIRED", (await nodes[0].Api.GetOrderAsync(order.OrderId)).Status);
        }

        Assert.Equal(SleeperStock, (await nodes[1].Api.GetProductAsync(sleeperStock.ProductId)).Stock);
        Assert.Equal(StartBalance, await nodes[1].Api.GetBalanceAsync(sleeper.UserId));

        // The killed node comes back, joins the same cluster and serves: reads, and a whole order through it.
        await nodes.StartNodeAsync(Victim);
        await nodes.WaitForActiveSilosAsync(Nodes);
        var back = nodes[Victim].Api;
        Assert.Equal(0, (await back.GetProductAsync(product.ProductId)).Stock);
        var late = await back.CreateOrderAsync(sleeper.UserId, [(sleeperStock.ProductId, 2)]);
        Assert.Equal("PAID", (await back.PayAsync(late.OrderId, sleeper.UserId)).Status);
        Assert.Equal(StartBalance - 2 * Price, await nodes[0].Api.GetBalanceAsync(sleeper.UserId));
        Assert.Equal(SleeperStock - 2, (await nodes[1].Api.GetProductAsync(sleeperStock.ProductId)).Stock);
    }

    /// <summary>Creates until the grain of the result is active on <see cref="Victim"/>; placement is Orleans's.</summary>
    private static async Task<T> OnVictimAsync<T>(ClusterNodes nodes, Func<Task<T>> create, Func<T, IAddressable> grainOf)
    {
        for (var attempt = 0; attempt < PlacementAttempts; attempt++)
        {
            var created = await create();
            if (await nodes.NodeOfAsync(grainOf(created)) == Victim)
            {
                return created;
            }
        }

        throw new InvalidOperationException($"No grain was placed on node {Victim} in {PlacementAttempts} attempts.");
    }

    private static async Task<TimeSpan> FirstGoodAnswerAsync(ApiClient api, string path, Stopwatch clock, TimeSpan killedAt)
    {
        var deadline = killedAt + TimeSpan.FromSeconds(30);
        while (clock.Elapsed < deadline)
        {
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                using var response = await api.Http.GetAsync(path, attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed - killedAt;
                }
            }
            catch (OperationCanceledException)
            {
                // That attempt hung on the dead node; the next one may find the grain moved.
            }

            // Pacing between probes; the probe is the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return clock.Elapsed - killedAt;
    }

    private static async Task AssertSaleAsync(ApiClient api, FlashSale sale, List<UserResponse> buyers, long productId,
        long couponId)
    {
        // Every buyer ended with a paid order, or was told the stock ran out.
        Assert.Equal(Buyers, sale.Outcomes.Count);
        var paid = sale.Outcomes.Values.OfType<long>().ToList();
        Assert.Equal(Stock, paid.Count);
        Assert.Equal(0, (await api.GetProductAsync(productId)).Stock);

        var couponState = await api.GetCouponAsync(couponId);
        Assert.Equal(Coupons, couponState.IssuedQuantity);
        var holders = 0;
        foreach (var buyer in buyers)
        {
            var copies = (await api.GetUserCouponsAsync(buyer.UserId)).Where(c => c.CouponId == couponId).ToList();
            holders += copies.Count;
            var orderId = sale.Outcomes[buyer.UserId] as long?;
            var order = orderId is { } id ? await api.GetOrderAsync(id) : null;
            var spent = order is null ? 0 : order.PayAmount;
            Assert.Equal(StartBalance - spent, await api.GetBalanceAsync(buyer.UserId));
            if (order is not null)
            {
                Assert.Equal("PAID", order.Status);
                Assert.Equal(order.CouponId is null ? Price : Price - Discount, order.PayAmount);
            }

            if (copies.Count == 1)
            {
                Assert.Equal(order?.CouponId == couponId ? "USED" : "AVAILABLE", copies[0].Status);
            }
        }

        Assert.Equal(Coupons, holders);

        // Every 2xx answer, before the kill or after it, is still true.
        foreach (var answer in sale.Answers)
        {
            switch (answer)
            {
                case Issued issued:
                    Assert.Contains(await api.GetUserCouponsAsync(issued.UserId), c => c.CouponId == couponId);
                    break;
                case Created created:
                    var order = await api.GetOrderAsync(created.Order.OrderId);
                    Assert.Equal((created.Order.UserId, created.Order.PayAmount), (order.UserId, order.PayAmount));
                    Assert.Equal("PAID", order.Status);
                    break;
                case Paid payment:
                    Assert.Equal("PAID", (await api.GetOrderAsync(payment.Payment.OrderId)).Status);
                    Assert.Equal(payment.Payment.Balance, await api.GetBalanceAsync(payment.UserId));
                    break;
            }
        }
    }

    private bool Show(ClusterNodes nodes)
    {
        for (var node = 0; node < nodes.Count; node++)
        {
            output.WriteLine($"--- node {node}");
            output.WriteLine(nodes.RecentOutput(node));
        }

        return false;
    }

    private abstract record Answer(long UserId);

    private sealed record Issued(long UserId) : Answer(UserId);

    private sealed record Created(long UserId, OrderResponse Order) : Answer(UserId);

    private sealed record Paid(long UserId, PaymentResponse Payment) : Answer(UserId);

    /// <summary>One buyer: take a coupon, order one unit (with the coupon when it came), pay. A request that fails on a
    /// dead or recovering node (no answer, 503, or its key still in progress) is retried on the next node with the same
    /// Idempotency-Key, so a step runs once however often it is sent, and answers what its first run did.</summary>
    private sealed class FlashSale(ClusterNodes nodes, long productId, long couponId)
    {
        private int _paid;

        public event Action<int>? Paid;

        public ConcurrentQueue<Answer> Answers { get; } = new();

        /// <summary>Per buyer: the paid order's id, or the code that ended the attempt (STOCK_INSUFFICIENT).</summary>
        public ConcurrentDictionary<long, object> Outcomes { get; } = new();

        public async Task BuyAsync(long userId, int firstNode)
        {
            var node = firstNode;
            var deadline = DateTime.UtcNow + BuyerDeadline;
            var (issue, issueNode, _) = await SendAsync(node, deadline,
                api => api.IssueCouponRawAsync(couponId, userId));
            node = issueNode;
            var code = await Problems.CodeOfAsync(issue);
            var hasCoupon = issue.StatusCode == HttpStatusCode.Created || code == DomainErrors.CouponAlreadyIssued;
            if (issue.StatusCode == HttpStatusCode.Created)
            {
                Answers.Enqueue(new Issued(userId));
            }
            else
            {
                Assert.True(code is DomainErrors.CouponSoldOut or DomainErrors.CouponAlreadyIssued,
                    $"Issue answered {(int)issue.StatusCode} {code}.");
            }

            var orderKey = $"order-{userId}";
            var (create, createNode, _) = await SendAsync(node, deadline, api => api.CreateOrderRawAsync(userId,
                [(productId, 1)], hasCoupon ? couponId : null, orderKey));
            node = createNode;
            if (create.StatusCode != HttpStatusCode.Created)
            {
                var refused = await Problems.CodeOfAsync(create);
                Assert.True(refused == DomainErrors.StockInsufficient, $"Order answered {(int)create.StatusCode} {refused}.");
                Outcomes[userId] = refused!;
                return;
            }

            var order = await ApiClient.ReadAsync<OrderResponse>(create, HttpStatusCode.Created);
            Answers.Enqueue(new Created(userId, order));
            var (pay, _, retried) = await SendAsync(node, deadline,
                api => api.PayRawAsync(order.OrderId, userId, $"pay-{userId}"));
            // Also when the payment went through but its answer died with a node before the idempotency grain stored
            // it: the retry under the same key is answered by the order with the payment it made.
            Assert.True(pay.StatusCode == HttpStatusCode.OK,
                $"Payment answered {(int)pay.StatusCode} {await Problems.CodeOfAsync(pay)} (retried: {retried}).");
            Answers.Enqueue(new Paid(userId, await ApiClient.ReadAsync<PaymentResponse>(pay, HttpStatusCode.OK)));

            Outcomes[userId] = order.OrderId;
            Paid?.Invoke(Interlocked.Increment(ref _paid));
        }

        /// <summary>The first answer that is not a failure of the cluster, from the node that gave it, and whether an
        /// earlier attempt failed (no answer, 503, or the key in progress).</summary>
        private async Task<(HttpResponseMessage Response, int Node, bool Retried)> SendAsync(int node, DateTime deadline,
            Func<ApiClient, Task<HttpResponseMessage>> send)
        {
            for (var retried = false; ; retried = true)
            {
                string? failure;
                try
                {
                    var response = await send(nodes[node].Api);
                    var code = await Problems.CodeOfAsync(response);
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable && code != "IDEMPOTENCY_KEY_IN_PROGRESS")
                    {
                        return (response, node, retried);
                    }

                    failure = $"{(int)response.StatusCode} {code}";
                }
                catch (HttpRequestException exception)
                {
                    failure = exception.Message;
                }
                catch (TaskCanceledException exception)
                {
                    failure = exception.Message;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"No node answered in time; last: {failure}");
                }

                node = (node + 1) % nodes.Count;
                // Pacing between retries; the request itself is the condition.
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}

[RequiresPostgres, RequiresRedis]
public sealed class ClusterFailoverOnPostgres(ITestOutputHelper output)
    : ClusterFailoverTests(new PostgresTestDatabase(), ClusterProvider.Redis, output);

[RequiresMySql, RequiresRedis]
public sealed class ClusterFailoverOnMySql(ITestOutputHelper output)
    : ClusterFailoverTests(new MySqlTestDatabase(), ClusterProvider.Redis, output);

/// <summary>Membership in the PostgreSQL database itself (Cluster:Provider=AdoNet, the project's migration 0008).</summary>
[RequiresPostgres]
public sealed class ClusterFailoverWithMembershipInPostgres(ITestOutputHelper output)
    : ClusterFailoverTests(new PostgresTestDatabase(), ClusterProvider.AdoNet, output);

/// <summary>Membership in the MySQL database itself.</summary>
[RequiresMySql]
public sealed class ClusterFailoverWithMembershipInMySql(ITestOutputHelper output)
    : ClusterFailoverTests(new MySqlTestDatabase(), ClusterProvider.AdoNet, output);
