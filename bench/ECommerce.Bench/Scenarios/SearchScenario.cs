using System.Globalization;

namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 000's search (a LIKE scan there, the catalog's word index here): N x GET /products with the run's own
/// word, four shapes in turn (all; a second word and sort=price; inStock=true and sort=-price; a price range and
/// sort=newest). Every answer's ids are compared with what set-up created, so a wrong page counts, not only a status.</summary>
internal sealed class SearchScenario : Scenario
{
    private const int Products = 24;

    private readonly List<(long Id, string Kind, long Price, int Stock)> _created = [];
    private string[] _queries = [];
    private long[][] _expected = [];
    private long _wrongPages;

    public override string Name => "search";

    public override string Description => "N x GET /products?q=<run>&... (word index, option price/stock, sorts)";

    public override int DefaultUsers => 1_000;

    public override bool RunsOnBaseline => false;

    public override long PlannedRequests(ScenarioContext context) => context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        var probe = await context.Client.GetAsync("products?sort=newest&size=1", null, context.CancellationToken).ConfigureAwait(false);
        if (probe.Status != 200)
        {
            throw new ScenarioSkippedException($"GET /api/v1/products?sort=newest answers {probe.Status}: search (issue 14) is not on this server.");
        }

        // One word of this set-up's own: every scenario names its products with the run id, whose dashes split it into
        // words the index would share with the warm-up rounds' run ids; closed by "z" so that no other run's word starts
        // with it (a query word matches a name word's start).
        var word = "s" + new string([.. context.RunId.Where(char.IsAsciiLetterOrDigit)]) + "z";
        // One at a time, so creation order (newest) is id order.
        for (var i = 0; i < Products; i++)
        {
            var kind = i % 2 == 0 ? "lamp" : "mug";
            var price = 1_000 + (i * 7 % Products) * 100L;
            var stock = i % 4 == 3 ? 0 : 5;
            _created.Add((await Setup.CreateProductAsync(context, $"Search {kind} {word}", price, stock).ConfigureAwait(false), kind, price, stock));
        }

        var run = word;
        _queries =
        [
            $"products?q={run}&size=100",
            $"products?q={run}%20lamp&sort=price&size=100",
            $"products?q={run}&inStock=true&sort=-price&size=100",
            $"products?q={run}&minPrice=1500&maxPrice=2500&sort=newest&size=100",
        ];
        _expected =
        [
            [.. _created.OrderBy(p => p.Id).Select(p => p.Id)],
            [.. _created.Where(p => p.Kind == "lamp").OrderBy(p => p.Price).ThenBy(p => p.Id).Select(p => p.Id)],
            [.. _created.Where(p => p.Stock > 0).OrderByDescending(p => p.Price).ThenBy(p => p.Id).Select(p => p.Id)],
            [.. _created.Where(p => p.Price is >= 1_500 and <= 2_500).OrderByDescending(p => p.Id).Select(p => p.Id)],
        ];
    }

    public override int Items(ScenarioContext context) => context.Users;

    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var shape = item % _queries.Length;
        var response = await context.ForItem(item).Client.GetAsync(_queries[shape], "search", context.CancellationToken).ConfigureAwait(false);
        if (response.Status == 200 && !IdsOf(response.Body).SequenceEqual(_expected[shape]))
        {
            Interlocked.Increment(ref _wrongPages);
        }
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["search"] = [200] }) + Interlocked.Read(ref _wrongPages);

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var answered = context.Recorder.Count("search", 200);
        var totals = new List<long>();
        foreach (var query in _queries)
        {
            totals.Add((await context.Client.GetExpectingAsync(query, context.CancellationToken).ConfigureAwait(false)).Long("total"));
        }

        return
        [
            Invariant.Equal("reads answered 200 == N", context.Users, answered),
            Invariant.Equal("200 answers whose ids are exactly the created products, filtered and sorted", answered,
                answered - Interlocked.Read(ref _wrongPages)),
            new("totals after the load == created per query", string.Join('/', _expected.Select(e => e.Length)),
                string.Join('/', totals.Select(t => t.ToString(CultureInfo.InvariantCulture))),
                totals.SequenceEqual(_expected.Select(e => (long)e.Length))),
        ];
    }

    private static IEnumerable<long> IdsOf(string body) =>
        new Load.ApiResponse(200, body).Json.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("productId").GetInt64());
}
