namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001 test 2: N users order the same 3 products x 10 from stock S each (default 1,000) and pay at once.</summary>
internal sealed class OrderPaymentScenario : Scenario
{
    private const int Quantity = 10;
    private const long Price = 1_000;
    private const long Charge = 1_000_000;
    private const long PayAmount = 3 * Quantity * Price;
    private long[] _users = [];
    private long[] _products = [];

    public override string Name => "order-payment";

    public override string Description => "N users each POST /orders (3 products x 10) then POST /orders/{id}/payment";

    public override int DefaultUsers => 100;

    private static int Stock(ScenarioContext context) => context.Stock ?? 1_000;

    private static int Paid(ScenarioContext context) => Math.Min(context.Users, Stock(context) / Quantity);

    public override long PlannedRequests(ScenarioContext context) => (long)context.Users + Paid(context);

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "payer", context.Users, Charge).ConfigureAwait(false);
        _products =
        [
            await Setup.CreateProductAsync(context, "Product A", Price, Stock(context)).ConfigureAwait(false),
            await Setup.CreateProductAsync(context, "Product B", Price, Stock(context)).ConfigureAwait(false),
            await Setup.CreateProductAsync(context, "Product C", Price, Stock(context)).ConfigureAwait(false),
        ];
    }

    public override int Items(ScenarioContext context) => _users.Length;

    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var userId = _users[item];
        var order = await context.Client.PostAsync("orders", new
        {
            userId,
            items = _products.Select(productId => new { productId, quantity = Quantity }).ToArray(),
        }, "order", context.CancellationToken, asUser: userId).ConfigureAwait(false);
        if (order.Status == 201)
        {
            await context.Client.PostAsync($"orders/{order.Long("orderId")}/payment", new { userId }, "pay", context.CancellationToken, asUser: userId)
                .ConfigureAwait(false);
        }
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["order"] = [201, 409], ["pay"] = [200] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var paid = Paid(context);
        var invariants = new List<Invariant>
        {
            Invariant.Equal("orders answered 201 == min(N, S/10)", paid, context.Recorder.Count("order", 201)),
            Invariant.Equal("orders answered 409 STOCK_INSUFFICIENT == N - min(N, S/10)", context.Users - paid, context.Recorder.Count("order", 409)),
            Invariant.Equal("payments answered 200 == min(N, S/10)", paid, context.Recorder.Count("pay", 200)),
        };
        foreach (var (productId, label) in _products.Zip(["A", "B", "C"]))
        {
            invariants.Add(Invariant.Equal($"product {label} stock == S - 10 x paid", Stock(context) - (long)Quantity * paid,
                await Setup.StockAsync(context, productId).ConfigureAwait(false)));
        }

        // Which users got stock is up to the race; how many were debited, and by how much, is not.
        var balances = new List<long>();
        foreach (var userId in _users)
        {
            balances.Add(await Setup.BalanceAsync(context, userId).ConfigureAwait(false));
        }

        invariants.Add(Invariant.Equal("users with balance == charge - 30,000 == paid", paid, balances.Count(b => b == Charge - PayAmount)));
        invariants.Add(Invariant.Equal("users with balance == charge == N - paid", context.Users - paid, balances.Count(b => b == Charge)));
        return invariants;
    }
}
