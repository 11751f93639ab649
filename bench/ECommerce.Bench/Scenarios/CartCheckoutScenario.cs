namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 004's cart: N users each put 2 or 3 options of one product in their cart (PUT, one unit each), check
/// out (POST .../cart/checkout) and pay. Each option has stock S (default N, so every checkout succeeds; a smaller S
/// makes them race for it).</summary>
internal sealed class CartCheckoutScenario : Scenario
{
    private const long Charge = 1_000_000;
    private static readonly long[] Prices = [1_000, 1_500, 2_000];
    private long _productId;
    private long[] _options = [];
    private long[] _users = [];
    private bool[] _ordered = [];
    private bool[] _paid = [];

    public override string Name => "cart-checkout";

    public override string Description =>
        "N users each PUT 2-3 options into /users/{id}/cart, POST .../cart/checkout, then POST /orders/{id}/payment";

    public override int DefaultUsers => 100;

    /// <summary>The baseline has no cart.</summary>
    public override bool RunsOnBaseline => false;

    private static int Stock(ScenarioContext context) => context.Stock ?? context.Users;

    /// <summary>User i takes options 0 and 1, and option 2 too when i is odd.</summary>
    private int[] OptionsOf(int user) => user % 2 == 1 ? [0, 1, 2] : [0, 1];

    public override long PlannedRequests(ScenarioContext context) => context.Users * 5L;

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "cart", context.Users, Charge).ConfigureAwait(false);
        var product = await context.Client.PostExpectingAsync("products", new
        {
            name = $"Cart product {context.RunId}",
            options = Prices.Select((price, i) => new { name = $"Option {i + 1}", price, stock = Stock(context) }).ToArray(),
        }, 201, context.CancellationToken).ConfigureAwait(false);
        _productId = product.Long("productId");
        _options = [.. product.Json.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("optionId").GetInt64())];
        _ordered = new bool[_users.Length];
        _paid = new bool[_users.Length];
    }

    public override int Items(ScenarioContext context) => _users.Length;

    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var userId = _users[item];
        foreach (var option in OptionsOf(item))
        {
            var put = await context.Client.PutAsync($"users/{userId}/cart/items/{_options[option]}", new { quantity = 1 }, "cart",
                context.CancellationToken, asUser: userId).ConfigureAwait(false);
            if (put.Status != 200)
            {
                return;
            }
        }

        var order = await context.Client.PostAsync($"users/{userId}/cart/checkout", new { }, "checkout", context.CancellationToken,
            asUser: userId).ConfigureAwait(false);
        if (order.Status != 201)
        {
            return;
        }

        _ordered[item] = true;
        var pay = await context.Client.PostAsync($"orders/{order.Long("orderId")}/payment", new { userId }, "pay",
            context.CancellationToken, asUser: userId).ConfigureAwait(false);
        _paid[item] = pay.Status == 200;
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["cart"] = [200], ["checkout"] = [201, 409], ["pay"] = [200] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var ordered = Enumerable.Range(0, _users.Length).Where(i => _ordered[i]).ToList();
        var invariants = new List<Invariant>
        {
            Invariant.Equal("cart PUTs answered 200 == sum of lines", Enumerable.Range(0, _users.Length).Sum(i => OptionsOf(i).Length),
                context.Recorder.Count("cart", 200)),
            Invariant.Equal("checkouts answered 201 + 409 == N", context.Users,
                context.Recorder.Count("checkout", 201) + context.Recorder.Count("checkout", 409)),
            Invariant.Equal("payments answered 200 == checkouts answered 201", context.Recorder.Count("checkout", 201),
                context.Recorder.Count("pay", 200)),
        };
        if (context.Stock is null)
        {
            invariants.Add(Invariant.Equal("checkouts answered 201 == N (stock S = N per option)", context.Users, ordered.Count));
        }

        var product = await context.Client.GetExpectingAsync($"products/{_productId}", context.CancellationToken).ConfigureAwait(false);
        var stocks = product.Json.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("stock").GetInt64()).ToList();
        for (var option = 0; option < _options.Length; option++)
        {
            invariants.Add(Invariant.Equal($"option {option + 1} stock == S - units in created orders",
                Stock(context) - ordered.Count(i => OptionsOf(i).Contains(option)), stocks[option]));
        }

        // A created order emptied its cart; a refused one left the cart as it was.
        var cartLines = new long[_users.Length];
        await Load.LoadRunner.ForEachAsync(_users.Length, context.Concurrency, async i =>
        {
            var cart = await context.Client.GetExpectingAsync($"users/{_users[i]}/cart", context.CancellationToken, asUser: _users[i])
                .ConfigureAwait(false);
            cartLines[i] = cart.Json.GetProperty("items").GetArrayLength();
        }, context.CancellationToken).ConfigureAwait(false);
        invariants.Add(Invariant.Equal("carts left full == refused checkouts", context.Users - ordered.Count,
            Enumerable.Range(0, _users.Length).Count(i => !_ordered[i] && cartLines[i] == OptionsOf(i).Length)));
        invariants.Add(Invariant.Equal("carts emptied == created orders", ordered.Count,
            Enumerable.Range(0, _users.Length).Count(i => _ordered[i] && cartLines[i] == 0)));

        var exact = await Setup.UsersWithBalanceAsync(context, _users,
            i => _paid[i] ? Charge - OptionsOf(i).Sum(option => Prices[option]) : Charge).ConfigureAwait(false);
        invariants.Add(Invariant.Equal("users whose balance == charge - what they paid", context.Users, exact));
        return invariants;
    }
}
