namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001's top-5 read: N reads of GET /products/top?days=3&amp;limit=5 (issue 4's ranking grain), after
/// set-up has sold 7 products 11..17 units each, so the ranking has real entries whose counts are checked.</summary>
internal sealed class TopProductsScenario : Scenario
{
    private const string Path = "products/top?days=3&limit=5";
    private const int Products = 7;

    // Product i sells 11 + i units; sales only add up, so these counts are exact whatever else was sold before.
    private readonly Dictionary<long, long> _sold = [];

    public override string Name => "top-products";

    public override string Description => "N x GET /products/top?days=3&limit=5";

    public override int DefaultUsers => 1_000;

    public override bool RunsOnBaseline => false;

    public override long PlannedRequests(ScenarioContext context) => context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        var probe = await context.Client.GetAsync(Path, null, context.CancellationToken).ConfigureAwait(false);
        if (probe.Status != 200)
        {
            throw new ScenarioSkippedException($"GET /api/v1/{Path} answers {probe.Status}: the ranking endpoint (issue 4) is not on this server.");
        }

        var buyer = (await Setup.CreateUsersAsync(context, "top", 1, 10_000_000).ConfigureAwait(false))[0];
        for (var i = 0; i < Products; i++)
        {
            var productId = await Setup.CreateProductAsync(context, $"Ranked {i}", 100, 1_000).ConfigureAwait(false);
            var quantity = 11 + i;
            var orderId = await Setup.CreateOrderAsync(context, buyer, productId, quantity).ConfigureAwait(false);
            await context.Client.PostExpectingAsync($"orders/{orderId}/payment", new { userId = buyer }, 200, context.CancellationToken, asUser: buyer)
                .ConfigureAwait(false);
            _sold[productId] = quantity;
        }

        // Paid orders reach the ranking through the Orleans stream; wait (bounded) until the best seller shows.
        var best = _sold.MaxBy(pair => pair.Value).Key;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (!(await RankedAsync(context).ConfigureAwait(false)).ContainsKey(best) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override int Items(ScenarioContext context) => context.Users;

    public override Task RunItemAsync(ScenarioContext context, int item) =>
        context.Client.GetAsync(Path, "top", context.CancellationToken);

    public override long Unexpected(Load.LoadRecorder recorder) => Others(recorder, new Dictionary<string, int[]> { ["top"] = [200] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var ranking = (await context.Client.GetExpectingAsync(Path, context.CancellationToken).ConfigureAwait(false)).Json;
        var entries = ranking.EnumerateArray().ToList();
        var ranksInOrder = entries.Select((entry, i) => entry.GetProperty("rank").GetInt32() == i + 1).All(ok => ok);
        var counts = entries.Select(entry => entry.GetProperty("salesCount").GetInt64()).ToList();
        var descending = counts.Zip(counts.Skip(1)).All(pair => pair.First >= pair.Second);
        var ranked = entries.ToDictionary(entry => entry.GetProperty("productId").GetInt64(), entry => entry.GetProperty("salesCount").GetInt64());
        var ours = ranked.Where(pair => _sold.ContainsKey(pair.Key)).ToList();
        var exact = ours.Count(pair => _sold[pair.Key] == pair.Value);
        var best = _sold.MaxBy(pair => pair.Value);
        return
        [
            Invariant.Equal("reads answered 200 == N", context.Users, context.Recorder.Count("top", 200)),
            Invariant.Equal("entries == 5", 5, entries.Count),
            new("ranks 1..n by salesCount descending", "true", (ranksInOrder && descending).ToString(), ranksInOrder && descending),
            Invariant.Equal($"best seller {best.Key} ranked with salesCount {best.Value}", best.Value, ranked.GetValueOrDefault(best.Key)),
            Invariant.Equal("every ranked product of this run shows exactly what it sold", ours.Count, exact),
        ];
    }

    private static async Task<Dictionary<long, long>> RankedAsync(ScenarioContext context) =>
        (await context.Client.GetExpectingAsync(Path, context.CancellationToken).ConfigureAwait(false)).Json.EnumerateArray()
        .ToDictionary(entry => entry.GetProperty("productId").GetInt64(), entry => entry.GetProperty("salesCount").GetInt64());
}
