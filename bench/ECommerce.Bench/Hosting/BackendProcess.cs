using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace ECommerce.Bench.Hosting;

/// <summary>A server the tool started as a child process on 127.0.0.1; killed, with its data removed, on dispose.</summary>
internal sealed class BackendProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Func<Task> _cleanup;

    private BackendProcess(Process process, Uri url, string logPath, StreamWriter log, Func<Task> cleanup)
    {
        _process = process;
        Url = url;
        LogPath = logPath;
        _log = log;
        _cleanup = cleanup;
    }

    public Uri Url { get; }

    public string LogPath { get; }

    /// <summary>CPU time the server process has used so far, all threads.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>CPU time used so far by each of the runtime's tiered-compilation threads alive now (the runtime starts one
    /// to recompile hot methods optimized and lets it end when idle), or null where /proc cannot be read.</summary>
    public IReadOnlyDictionary<int, TimeSpan>? JitThreadCpuTimes => RuntimeThreads.CpuTimes(_process.Id, RuntimeThreads.TieredCompilation);

    /// <summary>Starts <c>dotnet {dll} {arguments} --urls http://127.0.0.1:{free port}</c> and waits until it answers HTTP.</summary>
    public static async Task<BackendProcess> StartAsync(string dll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        Func<Task> cleanup, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; run `dotnet build ECommerce.sln -c Release` first or pass --api-dll.", dll);
        }

        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var logPath = Path.Combine(Path.GetTempPath(), "ecommerce-bench", $"{Path.GetFileNameWithoutExtension(dll)}-{port}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        process.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var backend = new BackendProcess(process, url, logPath, log, cleanup);
        try
        {
            await backend.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return backend;
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (await poll.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before answering; see {LogPath}.");
            }

            try
            {
                // Any HTTP answer, even a 404, means Kestrel and the silo are up.
                using var response = await http.GetAsync("api/v1/users/0", cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                // Listening but still starting.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }

        await _cleanup().ConfigureAwait(false);
    }

    /// <summary>The solution's build output of a project, in the configuration this tool was built in.</summary>
    public static string BuiltDll(string projectDirectory, string assemblyName)
    {
        var configuration = typeof(BackendProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ECommerce.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new FileNotFoundException($"ECommerce.sln not found above {AppContext.BaseDirectory}; pass --api-dll.");
        }

        return Path.Combine(directory.FullName, projectDirectory, "bin", configuration, "net10.0", assemblyName + ".dll");
    }
}
