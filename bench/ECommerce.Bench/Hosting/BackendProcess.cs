using System.Diagnostics;
using System.Reflection;

namespace ECommerce.Bench.Hosting;

/// <summary>A server the tool started as a child process on 127.0.0.1; killed, with its data removed, on dispose.</summary>
internal sealed class BackendProcess : IAsyncDisposable
{
    private const string ListeningLine = "Now listening on: ";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Func<Task> _cleanup;
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _url;

    private BackendProcess(Process process, string logPath, StreamWriter log, Func<Task> cleanup)
    {
        _process = process;
        LogPath = logPath;
        _log = log;
        _cleanup = cleanup;
    }

    /// <summary>The address the server reported binding (it binds port 0).</summary>
    public Uri Url => _url ?? throw new InvalidOperationException("The server has not reported its address yet.");

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

    /// <summary>Starts <c>dotnet {dll} {arguments} --urls http://127.0.0.1:0</c> and waits until it answers HTTP at the
    /// address it reported binding. A port picked here and released for the child could be taken in between by another
    /// server (a test suite's, running beside), which would then be measured instead.</summary>
    public static async Task<BackendProcess> StartAsync(string dll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        Func<Task> cleanup, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; run `dotnet build ECommerce.sln -c Release` first or pass --api-dll.", dll);
        }

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
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "0";
        // Its "Now listening on:" line names the bound address.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var logPath = Path.Combine(Path.GetTempPath(), "ecommerce-bench", $"{Path.GetFileNameWithoutExtension(dll)}-{process.Id}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var backend = new BackendProcess(process, logPath, log, cleanup);
        process.OutputDataReceived += (_, e) => backend.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => backend.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

    /// <summary>Writes an output line to the log; the "Now listening on:" line gives the bound address.</summary>
    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }

        var listening = line.IndexOf(ListeningLine, StringComparison.Ordinal);
        if (listening >= 0 && Uri.TryCreate(line[(listening + ListeningLine.Length)..].Trim(), UriKind.Absolute, out var bound))
        {
            _address.TrySetResult(new Uri(bound, "/"));
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using (var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            listening.CancelAfter(TimeSpan.FromSeconds(60));
            var exited = _process.WaitForExitAsync(listening.Token);
            if (await Task.WhenAny(_address.Task, exited).ConfigureAwait(false) != _address.Task)
            {
                try
                {
                    await exited.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The server did not report a bound address within 60 s; see {LogPath}.");
                }

                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before listening; see {LogPath}.");
            }

            _url = await _address.Task.ConfigureAwait(false);
        }

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
                // Bound, but the connection failed; tried again.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                // Listening but still starting.
            }
        }
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
