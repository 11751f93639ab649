using ECommerce.Api.Identity;
using ECommerce.Api.Products;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.DataPlatform;
using ECommerce.Silo.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Api.Admin;

/// <summary>One consumer of the paid-orders stream since its activation.</summary>
public sealed record AdminStreamConsumer(string Name, long Consumed, long Duplicates, DateTimeOffset? LastEventAt,
    DateTimeOffset? LastHandledAt, double? LastDelaySeconds, DateTimeOffset? FailingSince);

/// <summary>Null queue fields: the provider does not tell (only the ADO.NET queue is read).</summary>
public sealed record AdminStreamResponse(string Provider, long? Pending, double? OldestPendingAgeSeconds,
    long? StreamDeadLetters, long DeadLetters, IReadOnlyList<AdminStreamConsumer> Consumers, string? Stuck);

public sealed record AdminDeadLetter(Guid Id, string EventType, string Status, long Attempts, string? LastError, DateTimeOffset CreatedAt);

/// <param name="Open">Not replayed yet (dead, or a replay in flight).</param>
/// <param name="Newest">The newest few, newest first, whatever their status.</param>
public sealed record AdminDeadLettersResponse(int Open, int Total, IReadOnlyList<AdminDeadLetter> Newest);

/// <summary>The product's own operations page at <c>/admin</c> and the JSON it polls under <c>/admin/api</c>: business
/// figures only; the runtime's statistics belong to the runtime's dashboard. Admins only, by the login page's cookie
/// or a bearer token; a browser without either is sent to <c>/login</c>.</summary>
public static class AdminPageApi
{
    private const int TopProductsDays = 3;
    private const int TopProductsCount = 5;
    private const int NewestDeadLetters = 5;

    public static IServiceCollection AddAdminPage(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HttpTrafficWindow>();
        services.TryAddSingleton<GroupCommitStatistics>();
        services.TryAddSingleton<AdminMetricsListener>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminMetricsListener>());
        return services;
    }

    public static IEndpointRouteBuilder MapAdminPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin", (IWebHostEnvironment environment) =>
                TypedResults.File(environment.WebRootFileProvider.GetFileInfo("admin/index.html").CreateReadStream(), "text/html; charset=utf-8"))
            .ExcludeFromDescription()
            .RequireAuthorization(AuthPolicies.AdminPage);

        var api = app.MapGroup("/admin/api").WithTags("Admin").RequireAuthorization(AuthPolicies.AdminPage);
        api.MapGet("/top-products", GetTopProductsAsync)
            .WithName("AdminTopProducts").WithSummary($"The storefront's ranking: top {TopProductsCount} of the last {TopProductsDays} days.");
        api.MapGet("/stream", GetStreamAsync)
            .WithName("AdminStream").WithSummary("The paid-orders stream: pending events and the oldest one's age, each consumer's progress, dead letters.");
        api.MapGet("/dead-letters", GetDeadLettersAsync)
            .WithName("AdminDeadLetters").WithSummary($"Dead letters not replayed, and the newest {NewestDeadLetters}.");
        api.MapGet("/storage", GetStorage)
            .WithName("AdminStorage").WithSummary("Group-commit writes per grain type since the API started.");
        api.MapGet("/traffic", GetTraffic)
            .WithName("AdminTraffic").WithSummary($"HTTP requests of the last {HttpTrafficWindow.Seconds} seconds, per second.");
        return app;
    }

    // The one place the admin page reaches a grain.
    public static async Task<Ok<List<TopProductResponse>>> GetTopProductsAsync(IGrainFactory grains)
    {
        var top = await grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(TopProductsDays, TopProductsCount);
        return TypedResults.Ok(top.Select(TopProductResponse.From).ToList());
    }

    public static async Task<Ok<AdminStreamResponse>> GetStreamAsync(IStreamStatistics stream, CancellationToken cancellationToken)
    {
        var snapshot = await stream.GetAsync(cancellationToken);
        return TypedResults.Ok(new AdminStreamResponse(snapshot.Provider, snapshot.Pending, snapshot.OldestPendingAge?.TotalSeconds,
            snapshot.StreamDeadLetters, snapshot.DeadLetters,
            snapshot.Consumers.Select(c => new AdminStreamConsumer(c.Consumer, c.Consumed, c.Duplicates, c.LastEventAt,
                c.LastHandledAt, c.LastDelay?.TotalSeconds, c.FailingSince)).ToList(),
            snapshot.Stuck));
    }

    public static async Task<Ok<AdminDeadLettersResponse>> GetDeadLettersAsync(IDeadLetters deadLetters, CancellationToken cancellationToken)
    {
        var all = await deadLetters.ListAsync(cancellationToken);
        var newest = all.Take(NewestDeadLetters)
            .Select(l => new AdminDeadLetter(l.Id, l.EventType, l.Status.ToString().ToUpperInvariant(), l.Attempts, l.LastError, l.CreatedAt))
            .ToList();
        return TypedResults.Ok(new AdminDeadLettersResponse(all.Count(l => l.Status != DeadLetterStatus.Replayed), all.Count, newest));
    }

    public static Ok<IReadOnlyList<GroupCommitRow>> GetStorage(GroupCommitStatistics groupCommit) => TypedResults.Ok(groupCommit.Snapshot());

    public static Ok<TrafficWindowSnapshot> GetTraffic(HttpTrafficWindow traffic) => TypedResults.Ok(traffic.Snapshot());
}
