using ECommerce.Api.Products;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Statistics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Dashboard;

/// <summary>The live runtime page at <c>/dashboard</c> and the JSON it polls every second under <c>/dashboard/api</c>.</summary>
public static class DashboardApi
{
    private const int TopCount = 5;

    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSiloStatistics();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", (IWebHostEnvironment environment) =>
                TypedResults.File(environment.WebRootFileProvider.GetFileInfo("dashboard/index.html").CreateReadStream(), "text/html; charset=utf-8"))
            .ExcludeFromDescription();

        var api = app.MapGroup("/dashboard/api").WithTags("Dashboard");
        api.MapGet("/overview", GetOverview);
        api.MapGet("/grains", GetGrains);
        api.MapGet("/storage", GetStorage);
        api.MapGet("/outbox", GetOutboxAsync);
        api.MapGet("/reminders", GetRemindersAsync);
        api.MapGet("/top-products", GetTopProductsAsync);
        return app;
    }

    /// <summary>The ranking the storefront shows: the last 3 business days, top 5.</summary>
    public static async Task<Ok<List<TopProductResponse>>> GetTopProductsAsync(IGrainFactory grains)
    {
        var top = await grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(3, TopCount);
        return TypedResults.Ok(top.Select(TopProductResponse.From).ToList());
    }

    public static Ok<OverviewDto> GetOverview(SiloStatistics statistics)
    {
        var samples = statistics.Samples();
        var last = samples.Count > 0 ? samples[^1] : null;
        var methods = statistics.Methods();
        return TypedResults.Ok(new OverviewDto(
            statistics.Activations().Values.Sum(),
            methods.Sum(m => m.Calls),
            methods.Sum(m => m.Errors),
            last?.CallsPerSecond ?? 0,
            last?.ErrorRate ?? 0,
            last?.AverageLatencyMs,
            last?.P99LatencyMs,
            samples.Select(s => new SampleDto(s.At, s.CallsPerSecond, s.ErrorRate, s.AverageLatencyMs, s.P99LatencyMs, s.ActiveGrains)).ToList()));
    }

    public static Ok<GrainsDto> GetGrains(SiloStatistics statistics)
    {
        var activations = statistics.Activations();
        var raw = statistics.Methods();
        var methods = raw.Select(ToDto).ToList();
        var types = methods
            .Select(m => m.GrainType)
            .Union(activations.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(type =>
            {
                var ofType = methods.Where(m => m.GrainType == type).ToList();
                var latency = raw.Where(m => m.GrainType == type)
                    .Aggregate(DistributionSnapshot.Empty, (sum, m) => sum.Plus(m.Latency));
                return new GrainTypeDto(type, activations.GetValueOrDefault(type), ofType.Sum(m => m.Calls), ofType.Sum(m => m.Errors),
                    ofType.Sum(m => m.CallsPerSecond), latency.Average, latency.Quantile(0.99), ofType);
            })
            .ToList();
        return TypedResults.Ok(new GrainsDto(
            types,
            [.. methods.OrderByDescending(m => m.Calls).Take(TopCount)],
            [.. methods.Where(m => m.Errors > 0).OrderByDescending(m => m.Errors).Take(TopCount)],
            [.. methods.OrderByDescending(m => m.P99LatencyMs ?? 0).Take(TopCount)]));
    }

    public static Ok<StorageDto> GetStorage(SiloStatistics statistics)
    {
        var storage = statistics.Storage();
        var rows = storage.Select(s => new StorageRowDto(
            s.GrainType,
            s.BatchSize.Count,
            s.BatchSize.Average,
            s.BatchSize.Count == 0 ? null : s.BatchSize.Max,
            s.GroupCommitWrite.Average,
            s.GroupCommitWrite.Quantile(0.99),
            s.Write.Count,
            s.Write.Average,
            s.Write.Quantile(0.99),
            s.VersionConflicts,
            s.ConflictRetries)).ToList();
        var batches = storage.Aggregate(DistributionSnapshot.Empty, (sum, s) => sum.Plus(s.BatchSize));
        var writes = storage.Aggregate(DistributionSnapshot.Empty, (sum, s) => sum.Plus(s.Write));
        return TypedResults.Ok(new StorageDto(
            batches.Count,
            batches.Average,
            writes.Count,
            writes.Average,
            writes.Quantile(0.99),
            storage.Sum(s => s.VersionConflicts),
            storage.Sum(s => s.ConflictRetries),
            rows));
    }

    public static async Task<Ok<OutboxDto>> GetOutboxAsync(IOutboxStatistics outbox, CancellationToken cancellationToken)
    {
        var snapshot = await outbox.GetAsync(cancellationToken);
        return TypedResults.Ok(new OutboxDto(snapshot.Pending is not null, snapshot.Pending, snapshot.OldestPendingAge?.TotalSeconds,
            snapshot.DeadLetters));
    }

    public static async Task<Ok<RemindersDto>> GetRemindersAsync(SiloStatistics statistics, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RemindersDto(await statistics.CountRemindersAsync(cancellationToken)));

    private static MethodDto ToDto(GrainMethodStatistics m) =>
        new(m.GrainType, m.Method, m.Calls, m.Errors, m.CallsPerSecond, m.Latency.Average, m.Latency.Quantile(0.99));
}

/// <summary>Live totals; the rates and latencies are those of the last one-second sample.</summary>
public sealed record OverviewDto(long ActiveGrains, long TotalCalls, long TotalErrors, double CallsPerSecond, double ErrorRate,
    double? AverageLatencyMs, double? P99LatencyMs, IReadOnlyList<SampleDto> Samples);

public sealed record SampleDto(DateTimeOffset At, double CallsPerSecond, double ErrorRate, double? AverageLatencyMs,
    double? P99LatencyMs, long ActiveGrains);

public sealed record GrainsDto(IReadOnlyList<GrainTypeDto> Types, IReadOnlyList<MethodDto> TopByCalls, IReadOnlyList<MethodDto> TopByErrors,
    IReadOnlyList<MethodDto> TopByLatency);

/// <summary>Calls, errors and latency since start; calls per second over the last sample.</summary>
public sealed record GrainTypeDto(string GrainType, long Activations, long Calls, long Errors, double CallsPerSecond,
    double? AverageLatencyMs, double? P99LatencyMs, IReadOnlyList<MethodDto> Methods);

public sealed record MethodDto(string GrainType, string Method, long Calls, long Errors, double CallsPerSecond,
    double? AverageLatencyMs, double? P99LatencyMs);

public sealed record StorageDto(long GroupCommitWrites, double? AverageBatchSize, long Writes, double? AverageWriteMs, double? P99WriteMs,
    long VersionConflicts, long ConflictRetries, IReadOnlyList<StorageRowDto> GrainTypes);

public sealed record StorageRowDto(string GrainType, long GroupCommitWrites, double? AverageBatchSize, double? MaxBatchSize,
    double? AverageGroupCommitWriteMs, double? P99GroupCommitWriteMs, long Writes, double? AverageWriteMs, double? P99WriteMs,
    long VersionConflicts, long ConflictRetries);

/// <summary>Null fields: no outbox has registered its statistics yet.</summary>
public sealed record OutboxDto(bool Available, long? Pending, double? OldestPendingAgeSeconds, long? DeadLetters);

public sealed record RemindersDto(int Pending);
