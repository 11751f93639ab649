using System.Collections.Concurrent;
using System.Net;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.DataPlatform;
using ECommerce.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Tests.Events;

/// <summary>A silo with the commerce grains and the events wiring over one SQLite file; a restart is a new host over
/// the same file.</summary>
public sealed class EventsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EventsHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IProductRankingGrain Ranking => Grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key);

    public IDeadLetters DeadLetters => Services.GetRequiredService<IDeadLetters>();

    public static string NewDatabaseFile() =>
        Path.Combine(Path.GetTempPath(), "ecommerce-events-tests", Guid.NewGuid().ToString("N"), "events.db");

    /// <summary>Removes the directory of a file from <see cref="NewDatabaseFile"/>, once every host over it is disposed.</summary>
    public static void DeleteDatabase(string databaseFile)
    {
        SqliteConnection.ClearAllPools();
        if (Path.GetDirectoryName(databaseFile) is { } directory && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static async Task<EventsHost> StartAsync(string databaseFile, Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null, HttpMessageHandler? dataPlatform = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={databaseFile}",
            ["Cluster:SiloPort"] = "0",
            ["Cluster:GatewayPort"] = "0",
            ["DataPlatform:PollInterval"] = "00:00:00.020",
            ["DataPlatform:Endpoint"] = dataPlatform is null ? null : "http://data-platform.test/events",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging();
        configure?.Invoke(builder.Services);
        builder.UseOrleans(silo => silo.AddCommerceSilo(builder.Configuration));
        if (dataPlatform is not null)
        {
            builder.Services.AddHttpClient(DataPlatformOptions.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => dataPlatform);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new EventsHost(host);
    }

    /// <summary>Registers a user with enough money, creates one product per entry, and pays one order for them all.</summary>
    public async Task<long> PayOrderAsync(long orderId, params (long ProductId, int Quantity)[] lines)
    {
        var userId = orderId;
        await Grains.GetGrain<IUserGrain>(userId).RegisterAsync($"user{userId}", $"user{userId}@example.test");
        await Grains.GetGrain<IUserGrain>(userId).ChargeAsync(1_000_000);
        foreach (var (productId, _) in lines)
        {
            await Grains.GetGrain<IProductGrain>(productId).CreateAsync($"product {productId}", 1_000, 1_000);
        }

        await Grains.GetGrain<IOrderGrain>(orderId).CreateAsync(userId,
            lines.Select(line => new OrderItemRequest(line.ProductId, line.Quantity)).ToList(), couponId: null);
        await Grains.GetGrain<IOrderGrain>(orderId).PayAsync(userId);
        return userId;
    }

    public async Task<long> SalesOfAsync(long productId, int days = 1) =>
        (await Ranking.GetTopAsync(days, IProductRankingGrain.MaxLimit)).SingleOrDefault(top => top.ProductId == productId)?.SalesCount ?? 0;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Polls a condition until it holds or the deadline passes.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {within}: {what}");
            await ticks.WaitForNextTickAsync();
        }
    }
}

/// <summary>A fake data platform: records each request as it arrives, then answers 500 while failing, 200 otherwise,
/// never while hanging, and throws <see cref="InvalidOperationException"/> while broken (a failure that is neither
/// an HTTP error nor a timeout).</summary>
public sealed class FakeDataPlatform : HttpMessageHandler
{
    private readonly List<ReceivedRequest> _requests = [];

    public bool Failing { get; set; }

    public bool Hanging { get; set; }

    public bool Broken { get; set; }

    /// <summary>Every request received so far, answered or not.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public int Delivered(Guid eventId) =>
        Requests.Count(request => request.IdempotencyKey == eventId.ToString("D") && request.Status == HttpStatusCode.OK);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var received = new ReceivedRequest(request.Headers.GetValues("Idempotency-Key").Single(),
            request.Content?.Headers.ContentType?.MediaType,
            request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
        lock (_requests)
        {
            _requests.Add(received);
        }

        if (Hanging)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Broken)
        {
            throw new InvalidOperationException("The data platform sent something the client cannot read.");
        }

        var status = Failing ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
        received.Answer(status);
        return new HttpResponseMessage(status);
    }
}

/// <summary>One request to <see cref="FakeDataPlatform"/>; <see cref="Status"/> is null until it is answered
/// (hanging, or broken).</summary>
public sealed class ReceivedRequest(string idempotencyKey, string? contentType, string body)
{
    private int _status;

    public string IdempotencyKey => idempotencyKey;

    public string? ContentType => contentType;

    public string Body => body;

    public HttpStatusCode? Status => Volatile.Read(ref _status) is var status and not 0 ? (HttpStatusCode)status : null;

    internal void Answer(HttpStatusCode status) => Volatile.Write(ref _status, (int)status);
}

/// <summary>Keeps every log entry written through the host's loggers.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
