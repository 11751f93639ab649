using ECommerce.Bench.Scenarios;

namespace ECommerce.Bench.Reporting;

internal sealed record LatencySummary(double Avg, double Min, double P50, double P90, double P95, double P99, double Max)
{
    public static LatencySummary Of(double[] latenciesMs)
    {
        if (latenciesMs.Length == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }

        Array.Sort(latenciesMs);
        return new LatencySummary(latenciesMs.Average(), latenciesMs[0], Percentile(latenciesMs, 50), Percentile(latenciesMs, 90),
            Percentile(latenciesMs, 95), Percentile(latenciesMs, 99), latenciesMs[^1]);
    }

    /// <summary>Nearest rank on sorted values.</summary>
    public static double Percentile(double[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public double At(double percentile) => percentile switch
    {
        50 => P50,
        90 => P90,
        95 => P95,
        99 => P99,
        _ => throw new ArgumentOutOfRangeException(nameof(percentile)),
    };
}

internal sealed record ThresholdResult(string Name, bool Passed);

internal sealed record RunResult
{
    public required string Scenario { get; init; }

    /// <summary>Which of the --sets runs this was, from 1.</summary>
    public int Set { get; init; } = 1;

    /// <summary>"project" or "baseline".</summary>
    public required string Target { get; init; }

    /// <summary>"sqlite", "postgres", or the URL when the backend was not started by the tool.</summary>
    public required string Storage { get; init; }

    public bool GroupCommit { get; init; } = true;

    public required int Users { get; init; }

    public int? Stock { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>Unmeasured rounds run before the measured one (--warmup, then --settle's while the JIT was busy).</summary>
    public int WarmupRounds { get; init; }

    /// <summary>The server's tiered-compilation thread CPU time over the wall time of the last warm-up round's load (its set-up left out); null when not read
    /// (no warm-up, a server the tool did not start, not Linux).</summary>
    public double? JitShareLastWarmup { get; init; }

    /// <summary>The same share over the measured load: near 0 when warm code was measured.</summary>
    public double? JitShareDuringLoad { get; init; }

    /// <summary>The started server's CPU time over the measured load, per request (all its threads); null with --url.</summary>
    public double? ServerCpuUsPerRequest { get; init; }

    /// <summary>Every postgres process's CPU time over the measured load, per request: the database work of the server
    /// under load (the other server is stopped by then); null where /proc cannot be read.</summary>
    public double? PostgresCpuUsPerRequest { get; init; }

    /// <summary>This tool's own CPU time over the measured load, per request: it shares the machine with both.</summary>
    public double? LoadToolCpuUsPerRequest { get; init; }

    public long Requests { get; init; }

    public double DurationSeconds { get; init; }

    public double RequestsPerSecond { get; init; }

    public LatencySummary? LatencyMs { get; init; }

    /// <summary>k6's http_req_failed: answers with status 0 or >= 400, expected or not.</summary>
    public long Failed4xx5xx { get; init; }

    /// <summary>Answers outside what the scenario expects (e.g. a 409 where only 201 is right).</summary>
    public long Unexpected { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<int, int>> StatusByStep { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<int, int>>();

    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    public IReadOnlyList<Invariant> Invariants { get; init; } = [];

    /// <summary>What the scenario measured beside the load (full-flow: payment answered to the top-5 showing it).</summary>
    public IReadOnlyList<Measurement> Measurements { get; init; } = [];

    public string? Skipped { get; init; }

    public string? Error { get; init; }

    public bool Passed => Skipped is not null || (Error is null && Invariants.Count > 0 && Invariants.All(i => i.Passed));
}

internal sealed record Comparison(string Scenario, int Users, double ProjectRequestsPerSecond, double BaselineRequestsPerSecond,
    double Ratio, double ProjectP95Ms, double BaselineP95Ms, double ProjectP99Ms, double BaselineP99Ms, int Set = 1);

/// <summary>One scenario's ratios over the sets of a run: the median (of an even count, the mean of the middle two),
/// the lowest and the highest.</summary>
internal sealed record RatioSummary(string Scenario, int Sets, double Median, double Min, double Max, IReadOnlyList<double> Ratios)
{
    public static IReadOnlyList<RatioSummary> Of(IEnumerable<Comparison> comparisons) =>
        comparisons.GroupBy(c => c.Scenario)
            .Select(g => Of(g.Key, g.OrderBy(c => c.Set).Select(c => c.Ratio).ToList()))
            .ToList();

    public static RatioSummary Of(string scenario, IReadOnlyList<double> ratios)
    {
        if (ratios.Count == 0)
        {
            throw new ArgumentException("A summary needs at least one ratio.", nameof(ratios));
        }

        var sorted = ratios.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new RatioSummary(scenario, sorted.Length, median, sorted[0], sorted[^1], ratios);
    }
}

internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    string Command,
    MachineInfo Machine,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<RatioSummary> Summaries);

internal sealed record MachineInfo(int ProcessorCount, string Os, string Runtime)
{
    public static MachineInfo Current => new(Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
}
