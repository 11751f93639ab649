using System.Diagnostics;
using ECommerce.Bench.Hosting;

namespace ECommerce.Bench.Tests;

public sealed class RuntimeThreadsTests
{
    [Fact]
    public void StatTicksAddsUserAndSystemTimeEvenWhenTheNameHoldsSpacesAndParentheses()
    {
        // Fields 14 (utime) and 15 (stime) are 250 and 37; the name's own ") " must not shift them.
        const string stat = "4242 (.NET Tie) (x) S 4200 4242 4200 0 -1 4194368 12 0 0 0 250 37 0 0 20 0 30 0 1234 0 0";

        Assert.Equal(287, RuntimeThreads.StatTicks(stat));
    }

    [Fact]
    public void ANamedThreadsCpuTimeIsReadAndGrowsWhileItWorks()
    {
        const string name = "bench-spin-test";
        using var spinning = new ManualResetEventSlim();
        using var stop = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            spinning.Set();
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3 / 10;
            while (Stopwatch.GetTimestamp() < until)
            {
            }

            stop.Wait();
        }) { Name = name, IsBackground = true };
        thread.Start();
        spinning.Wait();
        Thread.Sleep(400);

        var used = RuntimeThreads.CpuTimes(Environment.ProcessId, name);
        stop.Set();
        thread.Join();

        Assert.NotNull(used);
        Assert.InRange(Assert.Single(used).Value, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2));
        Assert.Empty(RuntimeThreads.CpuTimes(Environment.ProcessId, "no-such-thread")!);
    }

    [Fact]
    public void SettleRoundsAreParsedAndDefaultToTen()
    {
        Assert.Equal(10, BenchOptions.Parse(["--start", "sqlite"]).Settle);
        Assert.Equal(0, BenchOptions.Parse(["--start", "sqlite", "--settle", "0"]).Settle);
    }
}
