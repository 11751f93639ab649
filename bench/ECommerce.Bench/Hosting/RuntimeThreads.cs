using System.Globalization;

namespace ECommerce.Bench.Hosting;

/// <summary>Reads a child process's .NET runtime threads from Linux's /proc, by the name the runtime gives them.</summary>
internal static class RuntimeThreads
{
    /// <summary>The name (cut to Linux's 15 characters) of the thread that compiles hot methods at the optimized tier.</summary>
    public const string TieredCompilation = ".NET Tiered Com";

    // /proc reports CPU time in clock ticks of USER_HZ, which is 100 on every Linux the runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU time, by thread id, of the process's threads named <paramref name="name"/> (none is
    /// an empty map), or null when /proc cannot be read (not Linux, or the process is gone).</summary>
    public static IReadOnlyDictionary<int, TimeSpan>? CpuTimes(int processId, string name)
    {
        var tasks = $"/proc/{processId}/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }

        var times = new Dictionary<int, TimeSpan>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories(tasks))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name)
                    {
                        times[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                            StatCpuTime(File.ReadAllText(Path.Combine(task, "stat")));
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // That thread ended between the listing and the read.
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return times;
    }

    /// <summary>utime + stime of one /proc stat line (a process's or a thread's), as time.</summary>
    internal static TimeSpan StatCpuTime(string stat) => TimeSpan.FromSeconds(StatTicks(stat) / TicksPerSecond);

    /// <summary>utime + stime of one /proc/&lt;pid&gt;/task/&lt;tid&gt;/stat line: fields 14 and 15, counted after the
    /// command name, which is in parentheses and may itself hold spaces or parentheses.</summary>
    internal static long StatTicks(string stat)
    {
        var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // afterName[0] is field 3 (state), so field n is afterName[n - 3].
        return long.Parse(afterName[11], CultureInfo.InvariantCulture) + long.Parse(afterName[12], CultureInfo.InvariantCulture);
    }
}
