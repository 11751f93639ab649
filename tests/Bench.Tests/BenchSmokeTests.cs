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
