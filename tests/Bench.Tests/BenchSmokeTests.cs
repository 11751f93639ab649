using ECommerce.Bench.Reporting;

namespace ECommerce.Bench.Tests;

public sealed class BenchSmokeTests
{
    private static readonly string[] SeedScenarios = ["coupon-issue", "order-payment", "wallet-charge-use", "full-flow", "flash-sale", "cart-checkout"];

    [Fact]
    public async Task ASmallRunOfEveryScenarioOnSqlitePassesEveryInvariantAndWritesTheResultsFile()
    {
        // Stock 10 for 20 users: every scenario with stock both sells out and turns users away.
        var run = await SmokeRun.RunAsync("--start", "sqlite", "--scenario", "all", "--users", "20", "--stock", "10", "--settle", "0");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        var measured = run.Measured("project").ToList();
        Assert.Superset(SeedScenarios.ToHashSet(), measured.Select(r => r.GetProperty("scenario").GetString()!).ToHashSet());
        Assert.All(measured, r =>
        {
            Assert.NotEmpty(SmokeRun.Invariants(r));
            Assert.All(SmokeRun.Invariants(r), invariant => Assert.True(invariant.GetProperty("passed").GetBoolean(), invariant.ToString()));
            Assert.True(r.GetProperty("requests").GetInt64() > 0);
            Assert.Equal(1, r.GetProperty("warmupRounds").GetInt32());
        });
        var flash = measured.Single(r => r.GetProperty("scenario").GetString() == "flash-sale");
        Assert.Equal(10, flash.GetProperty("statusByStep").GetProperty("issue").GetProperty("201").GetInt32());
        Assert.Equal(10, flash.GetProperty("statusByStep").GetProperty("issue").GetProperty("409").GetInt32());
    }

    [Fact]
    public async Task BadOptionsExitWithTwoAndTheUsage()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var exitCode = await BenchCommand.RunAsync(["--start", "sqlite", "--users", "0"], output, errors, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("--users must be a positive whole number", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: ECommerce.Bench", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCostReadsTheSameProductWithoutAndWithAValidTokenAndReportsBoth()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var exitCode = await BenchCommand.RunAsync(["token-cost", "--requests", "200", "--rounds", "1"], output, errors, CancellationToken.None);

        Assert.True(exitCode == 0, $"{output}\n{errors}");
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.StartsWith("1     no", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("1    yes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("median over rounds: server CPU ", StringComparison.Ordinal));
    }
}

[RequiresPostgres]
public sealed class BenchBaselineSmokeTests
{
    // full-flow: its top-5 reader runs beside the load on the project only (the baseline keeps no ranking).
    [StorageTheory]
    [InlineData("flash-sale")]
    [InlineData("full-flow")]
    public async Task ASmallRunOnPostgresAgainstTheBaselinePassesOnBothAndReportsTheirRatio(string scenario)
    {
        var run = await SmokeRun.RunAsync("--start", "postgres", "--target", "both", "--postgres", PostgresEnvironment.ConnectionString!,
            "--scenario", scenario, "--users", "20", "--stock", "10", "--settle", "2");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        foreach (var target in new[] { "project", "baseline" })
        {
            var measured = Assert.Single(run.Measured(target));
            Assert.NotEmpty(SmokeRun.Invariants(measured));
            Assert.All(SmokeRun.Invariants(measured), invariant => Assert.True(invariant.GetProperty("passed").GetBoolean(), invariant.ToString()));
            // Both servers are child processes whose JIT thread is read from /proc: the warm-up runs its one round, then
            // at most --settle more while that thread was busy.
            Assert.InRange(measured.GetProperty("warmupRounds").GetInt32(), 1, 3);
            Assert.True(measured.GetProperty("jitShareDuringLoad").GetDouble() >= 0, measured.ToString());
        }

        var comparison = Assert.Single(run.Report.GetProperty("comparisons").EnumerateArray());
        Assert.True(comparison.GetProperty("ratio").GetDouble() > 0);
    }
}

[RequiresPostgres]
public sealed class BenchSetsTests
{
    [StorageFact]
    public async Task TwoSetsStartBothServersTwiceTheBaselineFirstInTheSecondAndReportARatioPerSetAndTheirMedian()
    {
        var run = await SmokeRun.RunAsync("--start", "postgres", "--target", "both", "--postgres", PostgresEnvironment.ConnectionString!,
            "--scenario", "flash-sale", "--users", "20", "--stock", "10", "--settle", "0", "--sets", "2");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var order = run.Report.GetProperty("runs").EnumerateArray()
            .Select(r => $"{r.GetProperty("set").GetInt32()}:{r.GetProperty("target").GetString()}").ToList();
        Assert.Equal(["1:project", "1:baseline", "2:baseline", "2:project"], order);
        // Each set is its own servers and its own keys: the coupon of each sold exactly its stock.
        Assert.All(run.Report.GetProperty("runs").EnumerateArray(), r =>
        {
            Assert.All(SmokeRun.Invariants(r), invariant => Assert.True(invariant.GetProperty("passed").GetBoolean(), invariant.ToString()));
            // Both servers are child processes and /proc is readable, so both figures are read (null otherwise). At 40
            // requests either may round to 0: /proc counts CPU time in 10 ms ticks.
            Assert.True(r.GetProperty("serverCpuUsPerRequest").GetDouble() >= 0, r.ToString());
            Assert.True(r.GetProperty("postgresCpuUsPerRequest").GetDouble() >= 0, r.ToString());
            Assert.True(r.GetProperty("loadToolCpuUsPerRequest").GetDouble() >= 0, r.ToString());
        });
        Assert.Contains("cpu per request................: server ", run.Output, StringComparison.Ordinal);
        var comparisons = run.Report.GetProperty("comparisons").EnumerateArray().ToList();
        Assert.Equal([1, 2], comparisons.Select(c => c.GetProperty("set").GetInt32()));
        var ratios = comparisons.Select(c => c.GetProperty("ratio").GetDouble()).ToList();
        var summary = Assert.Single(run.Report.GetProperty("summaries").EnumerateArray());
        Assert.Equal(2, summary.GetProperty("sets").GetInt32());
        Assert.Equal(ratios.Average(), summary.GetProperty("median").GetDouble(), 9);
        Assert.Contains("flash-sale: median ratio ", run.Output, StringComparison.Ordinal);
    }
}

public sealed class RatioSummaryTests
{
    private static Comparison Set(int set, double ratio) => new("full-flow", 100, ratio * 1000, 1000, ratio, 1, 1, 1, 1, set);

    [Fact]
    public void AnOddNumberOfSetsGivesTheMiddleRatioAndAnEvenNumberTheMeanOfTheTwoMiddleOnes()
    {
        var odd = Assert.Single(RatioSummary.Of([Set(1, 2.5), Set(2, 1.5), Set(3, 2.1)]));
        Assert.Equal((2.1, 1.5, 2.5, 3), (odd.Median, odd.Min, odd.Max, odd.Sets));
        Assert.Equal([2.5, 1.5, 2.1], odd.Ratios);

        var even = Assert.Single(RatioSummary.Of([Set(1, 1.0), Set(2, 4.0), Set(3, 2.0), Set(4, 3.0)]));
        Assert.Equal(2.5, even.Median, 9);
    }

    [Fact]
    public void EachScenarioIsSummarizedOnItsOwn()
    {
        var summaries = RatioSummary.Of([Set(1, 2.0), Set(1, 6.0) with { Scenario = "flash-sale" }, Set(2, 3.0)]);

        Assert.Equal(2.5, summaries.Single(s => s.Scenario == "full-flow").Median, 9);
        Assert.Equal(6.0, summaries.Single(s => s.Scenario == "flash-sale").Median, 9);
    }

    [Fact]
    public void SetsMustBePositiveAndCannotBeAskedOfRunningServers()
    {
        Assert.Equal(1, BenchOptions.Parse(["--start", "postgres"]).Sets);
        Assert.Equal(3, BenchOptions.Parse(["--start", "postgres", "--target", "both", "--sets", "3"]).Sets);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--start", "postgres", "--sets", "0"]));
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--url", "http://127.0.0.1:5000", "--sets", "2"]));
    }
}
