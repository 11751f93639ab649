using System.Diagnostics;
using System.Runtime.InteropServices;
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
        var target = TimeSpan.FromMilliseconds(300);
        using var spun = new ManualResetEventSlim();
        using var stop = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            // Spins until the kernel has given this thread its CPU time (its own clock, not /proc): on a machine busy
            // with other tests, a spin timed on the wall clock got as little as 120 ms of 300.
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 20;
            while (ThisThreadsCpuTime() < target && Stopwatch.GetTimestamp() < deadline)
            {
            }

            spun.Set();
            stop.Wait();
        }) { Name = name, IsBackground = true };
        thread.Start();
        Assert.True(spun.Wait(TimeSpan.FromSeconds(30)), "the spinning thread never finished");

        var used = RuntimeThreads.CpuTimes(Environment.ProcessId, name);
        stop.Set();
        thread.Join();

        Assert.NotNull(used);
        // /proc counts in ticks of 10 ms; the thread stopped spinning just past the target.
        Assert.InRange(Assert.Single(used).Value, target - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2));
        Assert.Empty(RuntimeThreads.CpuTimes(Environment.ProcessId, "no-such-thread")!);
    }

    private static TimeSpan ThisThreadsCpuTime()
    {
        const int threadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID
        return ClockGetTime(threadCpuTimeClock, out var time) == 0
            ? TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100)
            : throw new InvalidOperationException("clock_gettime failed");
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [Fact]
    public void SettleRoundsAreParsedAndDefaultToTen()
    {
        Assert.Equal(10, BenchOptions.Parse(["--start", "sqlite"]).Settle);
        Assert.Equal(0, BenchOptions.Parse(["--start", "sqlite", "--settle", "0"]).Settle);
    }
}
