namespace ECommerce.Bench.Hosting;

/// <summary>CPU time used so far by every process of one name (PostgreSQL's postmaster and backends), from Linux's
/// /proc. During a measured load only one server runs, so the change over it is that server's database work.</summary>
internal static class ProcessCpu
{
    /// <summary>User plus system CPU time of the processes named <paramref name="name"/> alive now (a backend that ends
    /// between two readings loses its share), or null where /proc cannot be read.</summary>
    public static TimeSpan? OfProcessesNamed(string name)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return null;
        }

        var used = TimeSpan.Zero;
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(process)[0]))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(process, "comm")).TrimEnd('\n') == name)
                {
                    used += RuntimeThreads.StatCpuTime(File.ReadAllText(Path.Combine(process, "stat")));
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // That process ended between the listing and the read.
            }
        }

        return used;
    }

    /// <summary>Microseconds of <paramref name="used"/> CPU per request; null when it was not read or nothing was sent.</summary>
    public static double? PerRequestUs(TimeSpan? used, long requests) =>
        used is { } cpu && requests > 0 ? cpu.TotalMicroseconds / requests : null;
}
