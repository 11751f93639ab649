namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001 test 3: one user's wallet charged and debited alternately N times at once (default 100); a debit is
/// the payment of a small order created beforehand.</summary>
internal sealed class WalletChargeUseScenario : Scenario
{
    private const long ChargeAmount = 1_000;
    private const long Price = 700;
    private long _userId;
    private long _start;
    private long[] _orders = [];

    public override string Name => "wallet-charge-use";

    public override string Description => "N requests on one wallet, alternately POST /users/{id}/balance/charge and POST /orders/{id}/payment";

    public override int DefaultUsers => 100;

    private static int Uses(ScenarioContext context) => context.Users / 2;

    private static int Charges(ScenarioContext context) => context.Users - Uses(context);

    public override long PlannedRequests(ScenarioContext context) => context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        var uses = Uses(context);
        // Enough to pay every order whatever the interleaving, so every request must succeed.
        _start = Price * uses;
        _userId = (await Setup.CreateUsersAsync(context, "wallet", 1, _start).ConfigureAwait(false))[0];
        var productId = await Setup.CreateProductAsync(context, "Wallet item", Price, Math.Max(1, uses)).ConfigureAwait(false);
        _orders = new long[uses];
        for (var i = 0; i < uses; i++)
        {
            _orders[i] = await Setup.CreateOrderAsync(context, _userId, productId, 1).ConfigureAwait(false);
        }
    }

    public override int Items(ScenarioContext context) => context.Users;

    public override Task RunItemAsync(ScenarioContext context, int item) => item % 2 == 0
        ? context.Client.PostAsync($"users/{_userId}/balance/charge", new { amount = ChargeAmount }, "charge", context.CancellationToken, asUser: _userId)
        : context.Client.PostAsync($"orders/{_orders[item / 2]}/payment", new { userId = _userId }, "use", context.CancellationToken, asUser: _userId);

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["charge"] = [200], ["use"] = [200] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var paid = 0;
        foreach (var orderId in _orders)
        {
            paid += await Setup.OrderStatusAsync(context, orderId).ConfigureAwait(false) == "PAID" ? 1 : 0;
        }

        return
        [
            Invariant.Equal("charges answered 200 == N/2", Charges(context), context.Recorder.Count("charge", 200)),
            Invariant.Equal("payments answered 200 == N/2", Uses(context), context.Recorder.Count("use", 200)),
            Invariant.Equal("orders PAID == N/2", Uses(context), paid),
            Invariant.Equal("balance == start + charges x 1,000 - uses x 700",
                _start + Charges(context) * ChargeAmount - Uses(context) * Price,
                await Setup.BalanceAsync(context, _userId).ConfigureAwait(false)),
        ];
    }
}
