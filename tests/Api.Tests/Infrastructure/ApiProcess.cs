using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The built API as a separate process on 127.0.0.1 (<c>dotnet ECommerce.Api.dll --urls ...</c>), so a test can
/// kill it hard and start it again over the same database.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ApiProcess(Process process, Uri baseAddress, TestAccounts accounts)
    {
        _process = process;
        Api = new ApiClient(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) }, accounts);
    }

    public ApiClient Api { get; }

    /// <summary>Starts the API over the database of <paramref name="settings"/> and waits until it answers; its client
    /// signs in with <paramref name="accounts"/>, those of that database. On <paramref name="port"/>, or a free one.</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string workingDirectory,
        TestAccounts accounts, int? port = null)
    {
        // The free port is released before the child binds it, and another process (a silo on port 0, a parallel test)
        // may take it in between; only that failure is tried again, on a new port.
        for (var attempt = 1; ; attempt++)
        {
            var api = Launch(settings, workingDirectory, accounts, port ?? FreePort());
            if (await api.AnswersOrExitsAsync())
            {
                return api;
            }

            if (!api.LostItsPort || port is not null || attempt == 3)
            {
                Assert.Fail($"The API process exited with {api._process.ExitCode}:{Environment.NewLine}{api.RecentOutput}");
            }

            await api.DisposeAsync();
        }
    }

    /// <summary>True when the process has exited because its HTTP port was taken before it could bind it.</summary>
    private bool LostItsPort => _process.HasExited && RecentOutput.Contains("address already in use", StringComparison.Ordinal);

    private static ApiProcess Launch(IReadOnlyDictionary<string, string?> settings, string workingDirectory,
        TestAccounts accounts, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ECommerce.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DemoData__Enabled"] = "false";
        start.Environment["Orders__PaymentTimeout"] = "00:10:00";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "0";
        foreach (var (key, value) in TestAccounts.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The API process did not start.");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"), accounts);
        process.OutputDataReceived += (_, line) => api.Remember(line.Data);
        process.ErrorDataReceived += (_, line) => api.Remember(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>Kills the process and its children at once: no shutdown hooks, no deactivation, like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    /// <summary>The exit code once the process ended by itself within <paramref name="timeout"/> (a crash point kills
    /// it), or null if it is still running.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public string RecentOutput => string.Join(Environment.NewLine, _output);

    public ValueTask DisposeAsync()
    {
        Kill();
        Api.Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>True once the API answers; false when its process exited first.</summary>
    private async Task<bool> AnswersOrExitsAsync()
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                // Anonymous: the product list is public, and no sign-in is tried before the API answers.
                if ((await Api.Http.GetAsync("/api/v1/products?size=1")).StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The API did not answer within {StartDeadline}:{Environment.NewLine}{RecentOutput}");
            }

            // Pacing between probes; the probe above is the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
