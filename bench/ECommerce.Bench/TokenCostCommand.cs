using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ECommerce.Bench.Load;

namespace ECommerce.Bench;

/// <summary><c>token-cost</c>: what validating a bearer token costs a request. The same public read,
/// <c>GET /api/v1/products/{id}</c>, is sent without and with a valid token, in alternating rounds; the server's
/// authentication middleware validates any token it is sent (signature, issuer, audience, lifetime) before the endpoint
/// runs, so the difference is the validation. Measured as the server's CPU time per request (from the child process)
/// and as client latency.</summary>
internal static class TokenCostCommand
{
    public const string Usage = """
        usage: ECommerce.Bench token-cost [--requests N] [--concurrency C] [--rounds R] [--start sqlite|postgres] [--postgres <conn>]
          --requests N      requests per round and mode (default 20000)
          --concurrency C   requests in flight (default 8)
          --rounds R        rounds of (without token, with token), after one unmeasured warm-up round (default 5)
        """;

    private sealed record Round(int Number, bool WithToken, int Requests, TimeSpan Elapsed, TimeSpan ServerCpu, double[] LatenciesMs)
    {
        public double CpuMicrosPerRequest => ServerCpu.TotalMicroseconds / Requests;

        public double Percentile(double p)
        {
            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        int requests = 20_000, concurrency = 8, rounds = 5;
        var serverArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests" when i + 1 < args.Length: requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency" when i + 1 < args.Length: concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--start" or "--postgres" when i + 1 < args.Length: serverArgs.Add(args[i]); serverArgs.Add(args[++i]); break;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        var options = BenchOptions.Parse(serverArgs.Count == 0 ? ["--start", "sqlite"] : serverArgs);
        var runId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await using var server = await BenchCommand.StartProjectAsync(options, runId, error, cancellationToken).ConfigureAwait(false);
        var backend = server.Process ?? throw new InvalidOperationException("token-cost starts its own server: the CPU time is read from it.");

        // Set-up, untimed: a product to read and one signed-in user whose token is sent.
        using var client = new ApiClient(server.Urls[0], concurrency);
        var product = await client.PostExpectingAsync("products", new { name = $"Token cost {runId}", price = 1_000, stock = 1 }, 201,
            cancellationToken).ConfigureAwait(false);
        var email = $"token-cost-{runId}@bench.example";
        await client.PostExpectingAsync("users", new { name = "Token cost", email, password = ApiClient.UserPassword }, 201,
            cancellationToken).ConfigureAwait(false);
        var token = await client.RequestTokenAsync(email, ApiClient.UserPassword, cancellationToken).ConfigureAwait(false);
        var path = $"api/v1/products/{product.Long("productId")}";

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = server.Urls[0],
        };
        await RunRoundAsync(http, backend, path, null, requests, concurrency, 0, cancellationToken).ConfigureAwait(false);
        await RunRoundAsync(http, backend, path, token, requests, concurrency, 0, cancellationToken).ConfigureAwait(false);

        var measured = new List<Round>();
        output.WriteLine($"GET /{path}, {requests} requests per round, concurrency {concurrency}, {Environment.ProcessorCount} cores");
        output.WriteLine("round  token  req/s    p50 ms  p99 ms  server CPU us/req");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var withToken in new[] { false, true })
            {
                var result = await RunRoundAsync(http, backend, path, withToken ? token : null, requests, concurrency, round, cancellationToken)
                    .ConfigureAwait(false);
                measured.Add(result);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round,5}  {(withToken ? "yes" : "no"),5}  {requests / result.Elapsed.TotalSeconds,7:F0}  {result.Percentile(50),6:F2}  {result.Percentile(99),6:F2}  {result.CpuMicrosPerRequest,8:F1}"));
            }
        }

        double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var pairs = measured.GroupBy(r => r.Number).Select(g => (Without: g.Single(r => !r.WithToken), With: g.Single(r => r.WithToken))).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median over rounds: server CPU {Median(pairs.Select(p => p.Without.CpuMicrosPerRequest)):F1} -> {Median(pairs.Select(p => p.With.CpuMicrosPerRequest)):F1} us/req " +
            $"(token +{Median(pairs.Select(p => p.With.CpuMicrosPerRequest - p.Without.CpuMicrosPerRequest)):F1} us/req); " +
            $"p50 {Median(pairs.Select(p => p.Without.Percentile(50))):F2} -> {Median(pairs.Select(p => p.With.Percentile(50))):F2} ms; " +
            $"throughput {Median(pairs.Select(p => requests / p.Without.Elapsed.TotalSeconds)):F0} -> {Median(pairs.Select(p => requests / p.With.Elapsed.TotalSeconds)):F0} req/s"));
        return 0;
    }

    private static async Task<Round> RunRoundAsync(HttpClient http, Hosting.BackendProcess backend, string path, string? token, int requests,
        int concurrency, int number, CancellationToken cancellationToken)
    {
        var latencies = new double[requests];
        var failures = 0;
        var cpuBefore = backend.CpuTime;
        var started = Stopwatch.GetTimestamp();
        await LoadRunner.ForEachAsync(requests, concurrency, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var sent = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = backend.CpuTime - cpuBefore;
        return failures == 0
            ? new Round(number, token is not null, requests, elapsed, cpu, latencies)
            : throw new InvalidOperationException($"{failures} of {requests} reads failed (token: {token is not null}).");
    }
}
