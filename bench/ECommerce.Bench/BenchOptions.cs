using System.Globalization;

namespace ECommerce.Bench;

internal enum Target
{
    Project,
    Baseline,
    Both,
}

internal enum StartStorage
{
    None,
    Sqlite,
    Postgres,
    MySql,
}

/// <summary>The command line; scenario-specific defaults apply where <see cref="Users"/> or <see cref="Stock"/> is null.</summary>
internal sealed record BenchOptions
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=ecommerce_bench";

    public const string DefaultMySql = "Server=127.0.0.1;Port=3306;User ID=ecommerce;Password=ecommerce";

    public string Scenario { get; init; } = "all";

    /// <summary>Running backends; the load spreads its items (users) over them, item i on URL i mod count.</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public Uri? Url => Urls.Count > 0 ? Urls[0] : null;

    public StartStorage Start { get; init; } = StartStorage.None;

    public Target Target { get; init; } = Target.Project;

    public int? Users { get; init; }

    public int? Stock { get; init; }

    public int? Concurrency { get; init; }

    public string? JsonPath { get; init; }

    public string Postgres { get; init; } = Environment.GetEnvironmentVariable("ECOMMERCE_BENCH_POSTGRES") ?? DefaultPostgres;

    /// <summary>A MySQL server for --start mysql; the tool creates a fresh database on it per started server.</summary>
    public string MySql { get; init; } = Environment.GetEnvironmentVariable("ECOMMERCE_BENCH_MYSQL") ?? DefaultMySql;

    public bool GroupCommit { get; init; } = true;

    /// <summary>The same connection cap for the project and the baseline; PostgreSQL's default max_connections is 100.</summary>
    public int PoolSize { get; init; } = 20;

    public string? ApiDll { get; init; }

    public bool Progress { get; init; } = true;

    public bool KeepData { get; init; }

    /// <summary>Unmeasured rounds of the same scenario on their own keys first, so JIT and pools are warm.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>At most this many more warm-up rounds, run while the started server's tiered-compilation thread still
    /// used more than <see cref="JitQuietShare"/> of the last round's load time: the measured round then times warm code.</summary>
    public int Settle { get; init; } = 10;

    /// <summary>The share of a warm-up round's load time (wall clock) the tiered-compilation thread may use for the code to count as warm.</summary>
    public const double JitQuietShare = 0.02;

    /// <summary>Whole runs (servers started, warmed and measured afresh) one after another; with --target both the order
    /// alternates (project first in odd sets, the baseline first in even ones), and each set gives its own ratio.</summary>
    public int Sets { get; init; } = 1;

    public static string Usage => """
        usage: ECommerce.Bench [options]
          --scenario <name|all>     coupon-issue, order-payment, wallet-charge-use, top-products, full-flow, flash-sale,
                                    waiting-room, search, cart-checkout (default all)
          --url <base url>[,<url>...] run against running backends, e.g. http://127.0.0.1:5000 (no /api/v1); with several
                                    (nodes of one cluster), user i goes to URL i mod count
          --start sqlite|postgres|mysql
                                    start the built src/Api on 127.0.0.1 with a fresh database, stop it at the end
          --target project|baseline|both
                                    baseline: the seeds' SELECT ... FOR UPDATE server, on PostgreSQL; both: each in turn, with ratios
          --users N                 users (operations for wallet-charge-use, reads for top-products and search)
          --stock S                 coupon quantity / product stock where the scenario has one
          --concurrency C           requests in flight at once (default: min(N, 100); flash-sale min(N, 256))
          --json <file>             write the results as JSON
          --postgres <conn>         PostgreSQL for --start postgres and the baseline (env ECOMMERCE_BENCH_POSTGRES)
          --mysql <conn>            MySQL server for --start mysql, no database (env ECOMMERCE_BENCH_MYSQL)
          --pool-size P             PostgreSQL connections per started server, project and baseline alike (default 20)
          --group-commit on|off     Silo:GroupCommit:Disabled for a started backend (default on)
          --api-dll <path>          ECommerce.Api.dll to start (default: found beside the solution)
          --no-progress             no progress bar on stderr
          --keep-data               keep the SQLite file / PostgreSQL schemas after the run
          --warmup R                unmeasured rounds of the scenario on separate keys before the measured one (default 1; 0: cold)
          --settle M                then up to M more while a started server's JIT thread used over 2% of the last round's
                                    load time, so warm code is measured, project and baseline alike (default 10; 0: exactly R)
          --sets K                  K whole runs one after another, servers started afresh each time; with --target both the
                                    order alternates and the median ratio of the K sets is printed (default 1)
        ECommerce.Bench token-cost --help: the cost of validating a bearer token, per request
        """;

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value.");
                }

                return args[++i];
            }

            options = name switch
            {
                "--scenario" => options with { Scenario = Value() },
                "--url" => options with
                {
                    Urls = [.. options.Urls, .. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(url => new Uri(url.TrimEnd('/') + "/", UriKind.Absolute))],
                },
                "--start" => options with { Start = Enum.Parse<StartStorage>(Value(), ignoreCase: true) },
                "--target" => options with { Target = Enum.Parse<Target>(Value(), ignoreCase: true) },
                "--users" => options with { Users = Positive(name, Value()) },
                "--stock" => options with { Stock = Positive(name, Value()) },
                "--concurrency" => options with { Concurrency = Positive(name, Value()) },
                "--json" => options with { JsonPath = Value() },
                "--postgres" => options with { Postgres = Value() },
                "--mysql" => options with { MySql = Value() },
                "--pool-size" => options with { PoolSize = Positive(name, Value()) },
                "--group-commit" => options with { GroupCommit = OnOff(name, Value()) },
                "--api-dll" => options with { ApiDll = Value() },
                "--no-progress" => options with { Progress = false },
                "--keep-data" => options with { KeepData = true },
                "--warmup" => options with { Warmup = NonNegative(name, Value()) },
                "--settle" => options with { Settle = NonNegative(name, Value()) },
                "--sets" => options with { Sets = Positive(name, Value()) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (options.Url is not null && options.Start != StartStorage.None)
        {
            throw new ArgumentException("--url and --start exclude each other.");
        }

        if (options.Url is null && options.Start == StartStorage.None && options.Target != Target.Baseline)
        {
            throw new ArgumentException("Give --url or --start sqlite|postgres|mysql.");
        }

        if (options.Url is not null && options.Target != Target.Project)
        {
            throw new ArgumentException("--target baseline|both starts its servers itself; drop --url.");
        }

        if (options.Sets > 1 && options.Url is not null)
        {
            throw new ArgumentException("--sets starts the servers afresh for each set; drop --url.");
        }

        if (options.Scenario != "all" && !Scenarios.ScenarioCatalog.Names.Contains(options.Scenario))
        {
            throw new ArgumentException($"Unknown scenario {options.Scenario}; one of {string.Join(", ", Scenarios.ScenarioCatalog.Names)} or all.");
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} must be a positive whole number, not '{value}'.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"{name} must be a whole number, not '{value}'.");

    private static bool OnOff(string name, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ArgumentException($"{name} is on or off, not '{value}'."),
    };
}
