namespace ECommerce.Bench.Scenarios;

/// <summary>N distinct users at once on one coupon of S and one product of stock S (default 5,000 on 1,000): each
/// issues the coupon and orders one unit.</summary>
internal sealed class FlashSaleScenario : Scenario
{
    private long[] _users = [];
    private long _couponId;
    private long _productId;

    public override string Name => "flash-sale";

    public override string Description => "N users each POST /coupons/{id}/issue and POST /orders (1 unit) on hot keys of S";

    public override int DefaultUsers => 5_000;

    public override int DefaultConcurrency(int users) => Math.Min(users, 256);

    /// <summary>The target for the flash sale.</summary>
    public override IReadOnlyList<LatencyThreshold> LatencyThresholds { get; } = [new("p(95)", 95, 200), new("p(99)", 99, 50)];

    private static int Stock(ScenarioContext context) => context.Stock ?? 1_000;

    private static int Sold(ScenarioContext context) => Math.Min(context.Users, Stock(context));

    public override long PlannedRequests(ScenarioContext context) => 2L * context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "flash", context.Users, 0).ConfigureAwait(false);
        _couponId = await Setup.CreateCouponAsync(context, "Flash coupon", 500, Stock(context)).ConfigureAwait(false);
        _productId = await Setup.CreateProductAsync(context, "Flash item", 1_000, Stock(context)).ConfigureAwait(false);
    }

    public override int Items(ScenarioContext context) => _users.Length;

    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var userId = _users[item];
        await context.Client.PostAsync($"coupons/{_couponId}/issue", new { userId }, "issue", context.CancellationToken, asUser: userId).ConfigureAwait(false);
        await context.Client.PostAsync("orders", new { userId, items = new[] { new { productId = _productId, quantity = 1 } } }, "order",
            context.CancellationToken, asUser: userId).ConfigureAwait(false);
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["issue"] = [201, 409], ["order"] = [201, 409] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var sold = Sold(context);
        return
        [
            Invariant.Equal("coupon issuedQuantity == min(N,S)", sold, await Setup.IssuedAsync(context, _couponId).ConfigureAwait(false)),
            Invariant.Equal("issue answered 201 == min(N,S)", sold, context.Recorder.Count("issue", 201)),
            Invariant.Equal("issue answered 409 == N - min(N,S)", context.Users - sold, context.Recorder.Count("issue", 409)),
            Invariant.Equal("orders answered 201 == min(N,S)", sold, context.Recorder.Count("order", 201)),
            Invariant.Equal("orders answered 409 == N - min(N,S)", context.Users - sold, context.Recorder.Count("order", 409)),
            Invariant.Equal("product stock == S - min(N,S)", Stock(context) - sold, await Setup.StockAsync(context, _productId).ConfigureAwait(false)),
        ];
    }
}
