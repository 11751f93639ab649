using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The built API as a separate process on 127.0.0.1 (<c>dotnet ECommerce.Api.dll --urls ...</c>), so a test can
/// kill it hard and start it again over the same database.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private const string ListeningLine = "Now listening on: ";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TestAccounts _accounts;
    private ApiClient? _api;

    private ApiProcess(Process process, TestAccounts accounts)
    {
        _process = process;
        _accounts = accounts;
    }

    public ApiClient Api => _api ?? throw new InvalidOperationException("The API has not answered yet.");

    /// <summary>Starts the API over the database of <paramref name="settings"/> and waits until it answers; its client
    /// signs in with <paramref name="accounts"/>, those of that database.</summary>
    /// <remarks>The API binds port 0 and its client uses the port the process itself reported binding. A port picked
    /// here and released for the child could be taken in between by another test's API, which would then answer this
    /// test's requests (with its own signing key: 401 for every token from before a restart).</remarks>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string workingDirectory,
        TestAccounts accounts)
    {
        var api = Launch(settings, workingDirectory, accounts);
        if (!await api.AnswersOrExitsAsync())
        {
            Assert.Fail($"The API process exited with {api._process.ExitCode}:{Environment.NewLine}{api.RecentOutput}");
        }

        return api;
    }

    private static ApiProcess Launch(IReadOnlyDictionary<string, string?> settings, string workingDirectory,
        TestAccounts accounts)
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
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DemoData__Enabled"] = "false";
        start.Environment["Orders__PaymentTimeout"] = "00:10:00";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The line naming the bound address.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "0";
        foreach (var (key, value) in TestAccounts.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The API process did not start.");
        var api = new ApiProcess(process, accounts);
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
        _api?.Http.Dispose();
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
        var listening = line.IndexOf(ListeningLine, StringComparison.Ordinal);
        if (listening >= 0 && Uri.TryCreate(line[(listening + ListeningLine.Length)..].Trim(), UriKind.Absolute, out var address))
        {
            _address.TrySetResult(address);
        }

        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>True once the API has reported the address it bound and answers there; false when its process exited
    /// first.</summary>
    private async Task<bool> AnswersOrExitsAsync()
    {
        using var deadline = new CancellationTokenSource(StartDeadline);
        var exited = _process.WaitForExitAsync(deadline.Token);
        try
        {
            if (await Task.WhenAny(_address.Task, exited) != _address.Task)
            {
                await exited;
                return false;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The API did not report a bound address within {StartDeadline}:{Environment.NewLine}{RecentOutput}");
        }

        _api = new ApiClient(new HttpClient { BaseAddress = await _address.Task, Timeout = TimeSpan.FromSeconds(30) }, _accounts);
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
                // Bound, but the connection failed; tried again.
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"The API did not answer within {StartDeadline}:{Environment.NewLine}{RecentOutput}");
            }

            // Pacing between probes; the probe above is the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
