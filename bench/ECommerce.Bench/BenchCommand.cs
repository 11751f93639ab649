using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ECommerce.Bench.Baseline;
using ECommerce.Bench.Hosting;
using ECommerce.Bench.Load;
using ECommerce.Bench.Reporting;
using ECommerce.Bench.Scenarios;

namespace ECommerce.Bench;

/// <summary>The tool's entry: parses the options, starts the servers asked for, runs the scenarios, reports.</summary>
internal static class BenchCommand
{
    /// <returns>0 when every invariant passed, 1 when one failed or a scenario could not run, 2 on bad options.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is ["serve-baseline", .. var serverArgs])
        {
            await BaselineServer.RunAsync(serverArgs, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (args is ["token-cost", .. var tokenArgs])
        {
            return await TokenCostCommand.RunAsync(tokenArgs, output, error, cancellationToken).ConfigureAwait(false);
        }

        if (args is ["--help"] or ["-h"])
        {
            output.WriteLine(BenchOptions.Usage);
            return 0;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            error.WriteLine(exception.Message);
            error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        var report = await RunAllAsync(options, args, output, error, cancellationToken).ConfigureAwait(false);
        SummaryWriter.WriteComparisons(output, report.Comparisons, report.Summaries);
        if (options.JsonPath is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath));
            Directory.CreateDirectory(directory!);
            await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report, JsonDefaults.Indented), cancellationToken)
                .ConfigureAwait(false);
            output.WriteLine($"\nresults written to {options.JsonPath}");
        }

        var passed = report.Runs.Count > 0 && report.Runs.All(run => run.Passed);
        output.WriteLine(passed ? "\nALL INVARIANTS PASSED" : "\nSOME INVARIANTS FAILED OR A SCENARIO DID NOT RUN");
        return passed ? 0 : 1;
    }

    private static async Task<BenchReport> RunAllAsync(BenchOptions options, string[] args, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var names = options.Scenario == "all" ? ScenarioCatalog.Names : [options.Scenario];
        var runs = new List<RunResult>();
        var runId = started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        for (var set = 1; set <= options.Sets; set++)
        {
            var setId = options.Sets == 1 ? runId : $"{runId}s{set}";
            if (options.Sets > 1)
            {
                error.WriteLine($"set {set} of {options.Sets}");
            }

            // Alternating which side goes first keeps a drift of the machine over the sets from favouring one side.
            var baselineFirst = options.Target == Target.Both && set % 2 == 0;
            if (baselineFirst)
            {
                await RunBaselineAsync(set, setId).ConfigureAwait(false);
            }

            if (options.Target is Target.Project or Target.Both)
            {
                await using var server = await StartProjectAsync(options, setId, error, cancellationToken).ConfigureAwait(false);
                var storage = options.Url is null ? options.Start.ToString().ToLowerInvariant() : string.Join(",", options.Urls);
                foreach (var name in names)
                {
                    runs.Add(await RunScenarioAsync(ScenarioCatalog.Create(name), "project", storage, server, options, setId, set, output,
                        error, cancellationToken).ConfigureAwait(false));
                }
            }

            if (!baselineFirst && options.Target is Target.Baseline or Target.Both)
            {
                await RunBaselineAsync(set, setId).ConfigureAwait(false);
            }
        }

        var comparisons = Compare(runs);
        return new BenchReport(started, string.Join(' ', args), MachineInfo.Current, runs, comparisons, RatioSummary.Of(comparisons));

        async Task RunBaselineAsync(int set, string setId)
        {
            await using var server = await StartBaselineAsync(options, setId, error, cancellationToken).ConfigureAwait(false);
            foreach (var name in names)
            {
                var scenario = ScenarioCatalog.Create(name);
                if (scenario.RunsOnBaseline)
                {
                    runs.Add(await RunScenarioAsync(scenario, "baseline", "postgres", server, options, setId, set, output, error,
                        cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    runs.Add(Skip(scenario, "baseline", options, "the baseline has no ranking endpoint") with { Set = set });
                    SummaryWriter.Write(output, runs[^1]);
                }
            }
        }
    }

    internal sealed record Server(IReadOnlyList<Uri> Urls, BackendProcess? Process) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    internal static async Task<Server> StartProjectAsync(BenchOptions options, string runId, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.Url is not null)
        {
            return new Server(options.Urls, null);
        }

        var environment = new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "false",
            ["Silo__GroupCommit__Disabled"] = options.GroupCommit ? "false" : "true",
            ["Auth__BootstrapAdmin__Email"] = ApiClient.AdminEmail,
            ["Auth__BootstrapAdmin__Password"] = ApiClient.AdminPassword,
            // Sign-ins are set-up, not load: a cheap hash keeps thousands of them short. Token validation is unchanged.
            ["Auth__PasswordHasher__IterationCount"] = "1000",
        };
        Func<Task> cleanup;
        if (options.Start == StartStorage.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), "ecommerce-bench", $"project-{runId}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            environment["Storage__Provider"] = "Sqlite";
            environment["ConnectionStrings__Sqlite"] = $"Data Source={file}";
            cleanup = () =>
            {
                if (!options.KeepData)
                {
                    foreach (var path in new[] { file, file + "-wal", file + "-shm" }.Where(File.Exists))
                    {
                        File.Delete(path);
                    }
                }

                return Task.CompletedTask;
            };
        }
        else if (options.Start == StartStorage.MySql)
        {
            var database = $"bench_project_{runId}";
            environment["Storage__Provider"] = "MySql";
            environment["ConnectionStrings__MySql"] = await MySqlDatabases.CreateAsync(options.MySql, database, options.PoolSize, cancellationToken).ConfigureAwait(false);
            cleanup = () => options.KeepData ? Task.CompletedTask : MySqlDatabases.DropAsync(options.MySql, database);
        }
        else
        {
            var schema = $"bench_project_{runId}";
            environment["Storage__Provider"] = "Postgres";
            environment["ConnectionStrings__Postgres"] = await PostgresSchemas.CreateAsync(options.Postgres, schema, options.PoolSize, cancellationToken).ConfigureAwait(false);
            cleanup = () => options.KeepData ? Task.CompletedTask : PostgresSchemas.DropAsync(options.Postgres, schema);
        }

        var dll = options.ApiDll ?? BackendProcess.BuiltDll(Path.Combine("src", "Api"), "ECommerce.Api");
        error.WriteLine($"starting {dll} on {options.Start.ToString().ToLowerInvariant()}{(options.GroupCommit ? "" : " with group commit off")}...");
        var process = await BackendProcess.StartAsync(dll, [], environment, cleanup, cancellationToken).ConfigureAwait(false);
        return new Server([process.Url], process);
    }

    private static async Task<Server> StartBaselineAsync(BenchOptions options, string runId, TextWriter error, CancellationToken cancellationToken)
    {
        var schema = $"bench_baseline_{runId}";
        var connectionString = await PostgresSchemas.CreateAsync(options.Postgres, schema, options.PoolSize, cancellationToken).ConfigureAwait(false);
        var self = typeof(BenchCommand).Assembly.Location;
        var dll = File.Exists(Path.ChangeExtension(self, ".runtimeconfig.json"))
            ? self
            : BackendProcess.BuiltDll(Path.Combine("bench", "ECommerce.Bench"), "ECommerce.Bench");
        error.WriteLine("starting the baseline (PostgreSQL, SELECT ... FOR UPDATE)...");
        var process = await BackendProcess.StartAsync(dll, ["serve-baseline", "--postgres", connectionString], new Dictionary<string, string>(),
            () => options.KeepData ? Task.CompletedTask : PostgresSchemas.DropAsync(options.Postgres, schema), cancellationToken).ConfigureAwait(false);
        return new Server([process.Url], process);
    }

    private static async Task<RunResult> RunScenarioAsync(Scenario scenario, string target, string storage, Server server, BenchOptions options,
        string runId, int set, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var urls = server.Urls;
        var users = options.Users ?? scenario.DefaultUsers;
        var concurrency = options.Concurrency ?? scenario.DefaultConcurrency(users);
        var jit = new JitMeter(server.Process);
        var rounds = 0;
        double? lastWarmupJit = null;
        while (rounds < options.Warmup || (rounds < options.Warmup + options.Settle && lastWarmupJit > BenchOptions.JitQuietShare))
        {
            rounds++;
            error.WriteLine(rounds <= options.Warmup
                ? $"{scenario.Name} on {target}: warm-up round {rounds} of {options.Warmup} (not measured)..."
                : string.Create(CultureInfo.InvariantCulture,
                    $"{scenario.Name} on {target}: warm-up round {rounds}, as the JIT thread used {lastWarmupJit:P1} of the last (not measured)..."));
            lastWarmupJit = await WarmUpAsync(ScenarioCatalog.Create(scenario.Name), urls, target == "project", $"{runId}-{target}-warmup{rounds}", users,
                concurrency, options, jit, cancellationToken).ConfigureAwait(false);
        }

        var recorder = new LoadRecorder();
        // Verification reads run beside nothing, but set-up runs at the same concurrency as the load, warming the pool.
        using var clients = new ApiClients(urls, concurrency, recorder, signsIn: target == "project");
        var context = new ScenarioContext(clients.All, recorder, $"{runId}-{target}", users, options.Stock, concurrency, cancellationToken);
        var result = new RunResult
        {
            Scenario = scenario.Name,
            Set = set,
            Target = target,
            Storage = storage,
            GroupCommit = target == "project" && options.GroupCommit,
            Users = users,
            Stock = options.Stock,
            Concurrency = concurrency,
            WarmupRounds = rounds,
            JitShareLastWarmup = lastWarmupJit,
        };

        try
        {
            error.WriteLine($"{scenario.Name} on {target}: set-up ({users} users)...");
            await scenario.SetupAsync(context).ConfigureAwait(false);
        }
        catch (ScenarioSkippedException skipped)
        {
            return Report(result with { Skipped = skipped.Message });
        }
        catch (Exception exception) when (exception is UnexpectedResponseException or HttpRequestException or KeyNotFoundException or JsonException)
        {
            return Report(result with { Error = $"set-up failed: {exception.Message}" });
        }

        string? failure = null;
        double? loadJit = null;
        TimeSpan? serverCpu = null;
        TimeSpan? postgresCpu = null;
        TimeSpan? toolCpu = null;
        IReadOnlyList<Measurement> measurements = [];
        var redraw = options.Progress && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        await using (new ProgressBar(error, recorder, scenario.PlannedRequests(context), $"{scenario.Name,-18}", redraw))
        {
            var serverCpuBefore = server.Process?.CpuTime;
            var postgresCpuBefore = ProcessCpu.OfProcessesNamed("postgres");
            var toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            recorder.Start();
            var loadFrom = Stopwatch.GetTimestamp();
            jit.Start();
            var load = LoadRunner.ForEachAsync(scenario.Items(context), concurrency,
                item => scenario.RunItemAsync(context.ForItem(item), item), cancellationToken);
            var observing = scenario.ObserveAsync(context, load);
            try
            {
                await load.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is KeyNotFoundException or JsonException or InvalidOperationException)
            {
                failure = $"load failed: an answer was not the documented shape: {exception.Message}";
            }

            recorder.Stop();
            loadJit = jit.Share();
            serverCpu = server.Process?.CpuTime - serverCpuBefore;
            postgresCpu = ProcessCpu.OfProcessesNamed("postgres") - postgresCpuBefore;
            toolCpu = Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore;
            // The runtime's timestamps are CLOCK_MONOTONIC on Linux: a profiler recording on that clock
            // (perf record -k CLOCK_MONOTONIC, as bench/profile-api.sh does) can keep exactly the measured load.
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario.Name} on {target}: measured load on the monotonic clock from {Seconds(loadFrom):0.000} to {Seconds(Stopwatch.GetTimestamp()):0.000} s"));
            try
            {
                measurements = await observing.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is UnexpectedResponseException or HttpRequestException or KeyNotFoundException
                                                  or JsonException)
            {
                failure ??= $"observation failed: {exception.Message}";
            }
        }

        IReadOnlyList<Invariant> invariants = [];
        try
        {
            invariants = await scenario.VerifyAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is UnexpectedResponseException or HttpRequestException or KeyNotFoundException or JsonException)
        {
            failure ??= $"verification failed: {exception.Message}";
        }

        var latencies = LatencySummary.Of(recorder.LatenciesMs());
        var byStep = recorder.ByStep();
        var requests = byStep.Sum(step => step.Value.Sum(status => (long)status.Value));
        var seconds = recorder.Elapsed.TotalSeconds;
        var unexpected = scenario.Unexpected(recorder);
        var thresholds = scenario.LatencyThresholds
            .Select(t => new ThresholdResult(string.Create(CultureInfo.InvariantCulture, $"http_req_duration {t.Name}<={t.MaxMs}ms"), latencies.At(t.Percentile) <= t.MaxMs))
            .Append(new ThresholdResult(string.Create(CultureInfo.InvariantCulture, $"unexpected answers rate<{scenario.MaxUnexpectedRate}"),
                requests > 0 && (double)unexpected / requests < scenario.MaxUnexpectedRate))
            .ToList();
        return Report(result with
        {
            Requests = requests,
            DurationSeconds = seconds,
            RequestsPerSecond = seconds > 0 ? requests / seconds : 0,
            LatencyMs = latencies,
            Failed4xx5xx = byStep.Sum(step => step.Value.Where(s => s.Key == 0 || s.Key >= 400).Sum(s => (long)s.Value)),
            Unexpected = unexpected,
            StatusByStep = byStep,
            Thresholds = thresholds,
            Invariants = invariants,
            Measurements = measurements,
            JitShareDuringLoad = loadJit,
            ServerCpuUsPerRequest = ProcessCpu.PerRequestUs(serverCpu, requests),
            PostgresCpuUsPerRequest = ProcessCpu.PerRequestUs(postgresCpu, requests),
            LoadToolCpuUsPerRequest = ProcessCpu.PerRequestUs(toolCpu, requests),
            Error = failure,
        });

        RunResult Report(RunResult run)
        {
            SummaryWriter.Write(output, run);
            return run;
        }
    }

    private static double Seconds(long timestamp) => (double)timestamp / Stopwatch.Frequency;

    /// <summary>The scenario once on its own keys, unrecorded, with what it observes beside the load; its failures show up
    /// again in the measured round. Returns the JIT thread's share of the load's time (set-up left out), null when unread.</summary>
    private static async Task<double?> WarmUpAsync(Scenario scenario, IReadOnlyList<Uri> urls, bool signsIn, string keys, int users, int concurrency,
        BenchOptions options, JitMeter jit, CancellationToken cancellationToken)
    {
        var recorder = new LoadRecorder();
        using var clients = new ApiClients(urls, concurrency, recorder, signsIn);
        var context = new ScenarioContext(clients.All, recorder, keys, users, options.Stock, concurrency, cancellationToken);
        try
        {
            await scenario.SetupAsync(context).ConfigureAwait(false);
            jit.Start();
            var load = LoadRunner.ForEachAsync(scenario.Items(context), concurrency, item => scenario.RunItemAsync(context.ForItem(item), item),
                cancellationToken);
            var observing = scenario.ObserveAsync(context, load);
            await load.ConfigureAwait(false);
            var share = jit.Share();
            await observing.ConfigureAwait(false);
            return share;
        }
        catch (Exception exception) when (exception is ScenarioSkippedException or UnexpectedResponseException or HttpRequestException
                                              or KeyNotFoundException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static RunResult Skip(Scenario scenario, string target, BenchOptions options, string reason)
    {
        var users = options.Users ?? scenario.DefaultUsers;
        return new RunResult
        {
            Scenario = scenario.Name,
            Target = target,
            Storage = "postgres",
            Users = users,
            Stock = options.Stock,
            Concurrency = options.Concurrency ?? scenario.DefaultConcurrency(users),
            Skipped = reason,
        };
    }

    private static List<Comparison> Compare(IReadOnlyList<RunResult> runs) =>
        runs.Where(run => run.Target == "project" && run.LatencyMs is not null)
            .Join(runs.Where(run => run.Target == "baseline" && run.LatencyMs is not null), run => (run.Scenario, run.Set),
                run => (run.Scenario, run.Set),
                (project, baseline) => new Comparison(project.Scenario, project.Users, project.RequestsPerSecond, baseline.RequestsPerSecond,
                    baseline.RequestsPerSecond > 0 ? project.RequestsPerSecond / baseline.RequestsPerSecond : 0,
                    project.LatencyMs!.P95, baseline.LatencyMs!.P95, project.LatencyMs.P99, baseline.LatencyMs.P99, project.Set))
            .ToList();
}
