namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001's top-5 read: N reads of GET /products/top?days=3&amp;limit=5 (issue 4's ranking grain).</summary>
internal sealed class TopProductsScenario : Scenario
{
    private const string Path = "products/top?days=3&limit=5";

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
        return
        [
            Invariant.Equal("reads answered 200 == N", context.Users, context.Recorder.Count("top", 200)),
            new("at most 5 entries", "<= 5", entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), entries.Count <= 5),
            new("ranks 1..n by salesCount descending", "true", (ranksInOrder && descending).ToString(), ranksInOrder && descending),
        ];
    }
}
