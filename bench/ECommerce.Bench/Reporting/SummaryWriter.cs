using System.Globalization;

namespace ECommerce.Bench.Reporting;

/// <summary>Prints a run the way k6 prints its end-of-test summary, then the invariants as PASS/FAIL lines.</summary>
internal static class SummaryWriter
{
    private static string Us(double? us) => us is { } u ? u.ToString("0", CultureInfo.InvariantCulture) + " us" : "n/a";

    private static string Share(double? share) => share is { } s ? s.ToString("P1", CultureInfo.InvariantCulture) : "n/a";

    public static void Write(TextWriter writer, RunResult run)
    {
        var inv = CultureInfo.InvariantCulture;
        writer.WriteLine();
        writer.WriteLine(string.Create(inv,
            $"== {run.Scenario} on {run.Target} ({run.Storage}{(run.Target == "project" && !run.GroupCommit ? ", group commit off" : "")}): users={run.Users}{(run.Stock is { } s ? $" stock={s}" : "")} concurrency={run.Concurrency}"));
        if (run.Skipped is not null)
        {
            writer.WriteLine($"SKIPPED {run.Skipped}");
            return;
        }

        if (run.Error is not null && run.LatencyMs is null)
        {
            writer.WriteLine($"FAIL    {run.Error}");
            return;
        }

        var l = run.LatencyMs!;
        writer.WriteLine(string.Create(inv, $"     http_reqs......................: {run.Requests,-7} {run.RequestsPerSecond:0.00}/s  in {run.DurationSeconds:0.000}s"));
        writer.WriteLine(string.Create(inv,
            $"     http_req_duration..............: avg={Ms(l.Avg)} min={Ms(l.Min)} med={Ms(l.P50)} max={Ms(l.Max)} p(90)={Ms(l.P90)} p(95)={Ms(l.P95)} p(99)={Ms(l.P99)}"));
        writer.WriteLine(string.Create(inv,
            $"     http_req_failed................: {Rate(run.Failed4xx5xx, run.Requests)} {run.Failed4xx5xx} out of {run.Requests} (status 0 or >= 400, expected ones included)"));
        writer.WriteLine(string.Create(inv,
            $"     checks.........................: {Rate(run.Requests - run.Unexpected, run.Requests)} {run.Requests - run.Unexpected} out of {run.Requests} answered as expected"));
        writer.WriteLine(string.Create(inv,
            $"     cpu per request................: server {Us(run.ServerCpuUsPerRequest)}, postgres {Us(run.PostgresCpuUsPerRequest)}, load tool {Us(run.LoadToolCpuUsPerRequest)} (over the load)"));
        writer.WriteLine(string.Create(inv,
            $"     warm-up........................: {run.WarmupRounds} rounds; JIT thread {Share(run.JitShareLastWarmup)} of the last, {Share(run.JitShareDuringLoad)} of the load"));
        foreach (var (step, statuses) in run.StatusByStep)
        {
            writer.WriteLine($"     status {step,-24}: {string.Join(" ", statuses.Select(pair => string.Create(inv, $"{pair.Key}={pair.Value}")))}");
        }

        foreach (var measurement in run.Measurements)
        {
            writer.WriteLine(measurement.LatencyMs is { } m
                ? string.Create(inv,
                    $"     {(measurement.Name + " ").PadRight(31, '.')}: n={measurement.Count} avg={Ms(m.Avg)} med={Ms(m.P50)} p(90)={Ms(m.P90)} p(99)={Ms(m.P99)} max={Ms(m.Max)}{(measurement.Note is null ? "" : $" ({measurement.Note})")}")
                : $"     {(measurement.Name + " ").PadRight(31, '.')}: {measurement.Note}");
        }

        foreach (var threshold in run.Thresholds)
        {
            writer.WriteLine($"     {(threshold.Passed ? "✓" : "✗")} threshold {threshold.Name}");
        }

        if (run.Error is not null)
        {
            writer.WriteLine($"FAIL    {run.Error}");
        }

        foreach (var invariant in run.Invariants)
        {
            writer.WriteLine($"{(invariant.Passed ? "PASS" : "FAIL")}    {invariant.Name}: expected {invariant.Expected}, actual {invariant.Actual}");
        }
    }

    public static void WriteComparisons(TextWriter writer, IReadOnlyList<Comparison> comparisons, IReadOnlyList<RatioSummary> summaries)
    {
        if (comparisons.Count == 0)
        {
            return;
        }

        writer.WriteLine();
        writer.WriteLine("== project vs baseline (same scenario, same N, same PostgreSQL)");
        writer.WriteLine("scenario             users   project req/s  baseline req/s   ratio   p95 project/baseline ms   p99 project/baseline ms   set");
        foreach (var c in comparisons.OrderBy(c => c.Scenario, StringComparer.Ordinal).ThenBy(c => c.Set))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Scenario,-20} {c.Users,5} {c.ProjectRequestsPerSecond,15:0.0} {c.BaselineRequestsPerSecond,15:0.0} {c.Ratio,6:0.00}x   {c.ProjectP95Ms,10:0.00} / {c.BaselineP95Ms,-10:0.00}   {c.ProjectP99Ms,10:0.00} / {c.BaselineP99Ms,-10:0.00}   {c.Set,3}"));
        }

        foreach (var summary in summaries.Where(s => s.Sets > 1))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Scenario}: median ratio {summary.Median:0.00}x over {summary.Sets} sets (lowest {summary.Min:0.00}x, highest {summary.Max:0.00}x)"));
        }
    }

    private static string Ms(double ms) => ms >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms:0.00}ms");

    private static string Rate(long part, long whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{(whole == 0 ? 0 : 100.0 * part / whole):0.00}%");
}
