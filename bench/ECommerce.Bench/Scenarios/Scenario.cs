using System.Globalization;
using ECommerce.Bench.Load;

namespace ECommerce.Bench.Scenarios;

/// <summary>A check on the server's state after the load, with exact counts.</summary>
internal sealed record Invariant(string Name, string Expected, string Actual, bool Passed)
{
    public static Invariant Equal(string name, long expected, long actual) =>
        new(name, expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture), expected == actual);
}

/// <summary>The scenario cannot run against this server (e.g. an endpoint not there yet).</summary>
internal sealed class ScenarioSkippedException(string reason) : Exception(reason);

internal sealed class ScenarioContext(IReadOnlyList<ApiClient> nodes, LoadRecorder recorder, string runId, int users, int? stock,
    int concurrency, CancellationToken cancellationToken)
{
    private readonly IReadOnlyList<ApiClient> _nodes = nodes.Count > 0 ? nodes : throw new ArgumentException("No backend.", nameof(nodes));

    private ApiClient? _client;

    /// <summary>The first backend for set-up and checks; inside <see cref="ForItem"/>, the item's backend.</summary>
    public ApiClient Client => _client ?? _nodes[0];

    public LoadRecorder Recorder { get; } = recorder;

    /// <summary>Makes names and emails unique, so a scenario can run again against the same server.</summary>
    public string RunId { get; } = runId;

    public int Users { get; } = users;

    /// <summary>null: the scenario's default.</summary>
    public int? Stock { get; } = stock;

    public int Concurrency { get; } = concurrency;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>This context with <see cref="Client"/> the backend of item <paramref name="item"/>: item i on backend
    /// i mod count, so the users of a scenario spread evenly over the nodes of a cluster.</summary>
    public ScenarioContext ForItem(int item) => _nodes.Count == 1
        ? this
        : new ScenarioContext(_nodes, Recorder, RunId, Users, Stock, Concurrency, CancellationToken) { _client = _nodes[item % _nodes.Count] };
}

/// <summary>One load scenario: set-up through the API (not timed), the timed load, then the invariants read back through the API.</summary>
internal abstract class Scenario
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract int DefaultUsers { get; }

    /// <summary>Whether the baseline server has the endpoints this scenario needs.</summary>
    public virtual bool RunsOnBaseline => true;

    public virtual int DefaultConcurrency(int users) => Math.Min(users, 100);

    /// <summary>The k6 thresholds of the seeds: p(95) under 200 ms and under 1% unexpected answers.</summary>
    public virtual IReadOnlyList<LatencyThreshold> LatencyThresholds { get; } = [new("p(95)", 95, 200)];

    public virtual double MaxUnexpectedRate => 0.01;

    /// <summary>Upper bound of timed requests, for the progress bar.</summary>
    public abstract long PlannedRequests(ScenarioContext context);

    public abstract Task SetupAsync(ScenarioContext context);

    public abstract int Items(ScenarioContext context);

    public abstract Task RunItemAsync(ScenarioContext context, int item);

    public abstract Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context);

    /// <summary>Runs beside the timed load from its start until after <paramref name="load"/> ends; what it measured is
    /// printed with the run. None by default.</summary>
    public virtual Task<IReadOnlyList<Measurement>> ObserveAsync(ScenarioContext context, Task load) =>
        Task.FromResult<IReadOnlyList<Measurement>>([]);

    /// <summary>How many timed answers fell outside what the scenario expects (k6's checks).</summary>
    public abstract long Unexpected(LoadRecorder recorder);

    protected static long Others(LoadRecorder recorder, IReadOnlyDictionary<string, int[]> expected) =>
        recorder.ByStep().Sum(step => step.Value
            .Where(status => !expected.TryGetValue(step.Key, out var allowed) || !allowed.Contains(status.Key))
            .Sum(status => (long)status.Value));
}

/// <summary>A latency the scenario measured beside the load: <paramref name="Count"/> samples, or why there are fewer.</summary>
internal sealed record Measurement(string Name, int Count, Reporting.LatencySummary? LatencyMs, string? Note);

internal sealed record LatencyThreshold(string Name, double Percentile, double MaxMs);
