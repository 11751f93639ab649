using System.Net;
using ECommerce.Api.Admin;
using ECommerce.Api.Products;
using ECommerce.Api.Tests.Infrastructure;
using ECommerce.Grains.Faults;
using Xunit.Abstractions;

namespace ECommerce.Api.Tests;

/// <summary>The API as a child process that kills itself (SIGKILL) between a paid order's PAID write and its publication
/// on the stream, or between a delivery and a consumer's write; then started again without the fault over the same
/// database. The ranking counts the order exactly once, and the data platform receives it at least once, always with
/// the event id that was stored with the PAID status as its Idempotency-Key.</summary>
public abstract class StreamCrashTests(TestDatabase database, ITestOutputHelper output)
    : ChildProcessTests(database, "ecommerce-api-stream-crash")
{
    private const int SigKill = 128 + 9;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan DeathDeadline = TimeSpan.FromSeconds(20);

    private static readonly string[] Tested =
    [
        OrderCrashPoints.PaidStored, OrderCrashPoints.EventPublished,
        StreamCrashPoints.RankingReceived, StreamCrashPoints.DataPlatformReceived,
    ];

    public static TheoryData<string> Points => new(Tested);

    [Fact]
    public void EveryStreamCrashPointIsTested() => Assert.Subset(Tested.ToHashSet(), StreamCrashPoints.All.ToHashSet());

    [StorageTheory]
    [MemberData(nameof(Points))]
    public async Task AfterACrashThePaidOrderIsCountedOnceAndReachesTheDataPlatformUnderOneEventId(string point)
    {
        await using var platform = new DataPlatformListener();
        long orderId, productId, otherProductId, buyer;
        await using (var crashing = await StartAsync(platform, point))
        {
            try
            {
                var user = await crashing.Api.CreateUserAsync();
                buyer = user.UserId;
                await crashing.Api.ChargeAsync(buyer, 100_000);
                productId = (await crashing.Api.CreateProductAsync(price: 1_000, stock: 10)).ProductId;
                otherProductId = (await crashing.Api.CreateProductAsync(price: 1_000, stock: 10)).ProductId;
                orderId = (await crashing.Api.CreateOrderAsync(buyer, [(productId, 3)])).OrderId;
                try
                {
                    // Answered or not: a consumer's crash point is reached after the payment's answer.
                    await crashing.Api.PayRawAsync(orderId, buyer);
                }
                catch (HttpRequestException)
                {
                    // The connection died with the process.
                }

                var exitCode = await crashing.WaitForExitAsync(DeathDeadline);
                Assert.True(exitCode == SigKill, $"Expected the process to kill itself at {point}; exit code: {exitCode?.ToString() ?? "still running"}.");
            }
            catch (Exception) when (Show(crashing))
            {
                throw;
            }
        }

        await using var restarted = await StartAsync(platform, crashAt: null);
        try
        {
            Assert.Equal("PAID", (await restarted.Api.GetOrderAsync(orderId)).Status);
            await Eventually.WaitAsync(() => SalesAsync(restarted.Api, productId), sales => sales == 3, Deadline,
                "counted in the ranking");
            var posts = await Eventually.WaitAsync(() => Task.FromResult(platform.ForOrder(orderId)), p => p.Count > 0, Deadline,
                "posted to the data platform");

            // A later order flows behind the recovered one, and the first is still counted once.
            var later = await restarted.Api.CreateOrderAsync(buyer, [(otherProductId, 1)]);
            await restarted.Api.PayAsync(later.OrderId, buyer);
            await Eventually.WaitAsync(() => SalesAsync(restarted.Api, otherProductId), sales => sales == 1, Deadline,
                "the later order counted");
            await Eventually.WaitAsync(async () => await ApiClient.ReadAsync<AdminStreamResponse>(
                    await restarted.Api.GetAsync("/admin/api/stream"), HttpStatusCode.OK),
                stream => stream.Pending is null or 0, Deadline, "the stream drained");
            await Eventually.WaitAsync(() => Task.FromResult(platform.ForOrder(later.OrderId)), p => p.Count > 0, Deadline,
                "the later order posted");

            Assert.Equal(3, await SalesAsync(restarted.Api, productId));
            posts = platform.ForOrder(orderId);
            output.WriteLine($"After a crash at {point} the data platform got {posts.Count} POST(s) of order {orderId}.");
            Assert.Single(posts.Select(p => p.EventId).Distinct());
            Assert.All(posts, p => Assert.Equal(p.EventId.ToString("D"), p.IdempotencyKey));
        }
        catch (Exception) when (Show(restarted))
        {
            throw;
        }
    }

    private Task<ApiProcess> StartAsync(DataPlatformListener platform, string? crashAt)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Orders:ReminderPeriod"] = "00:00:02",
            ["Streams:AdoNet:VisibilityTimeout"] = "00:00:03",
            ["DataPlatform:Endpoint"] = platform.Endpoint.ToString(),
            ["Faults:CrashAt"] = crashAt,
        };
        return ApiProcess.StartAsync(settings, WorkingDirectory, Accounts);
    }

    private static async Task<long> SalesAsync(ApiClient api, long productId) =>
        (await ApiClient.ReadAsync<List<TopProductResponse>>(await api.GetAsync("/api/v1/products/top?days=1&limit=50"),
            HttpStatusCode.OK)).SingleOrDefault(top => top.ProductId == productId)?.SalesCount ?? 0;

    // An exception filter: the process's log goes to the test output, and the failure stays as it was.
    private bool Show(ApiProcess process)
    {
        output.WriteLine(process.RecentOutput);
        return false;
    }
}

public sealed class StreamCrashesOnSqlite(ITestOutputHelper output) : StreamCrashTests(new SqliteTestDatabase(), output);

[RequiresPostgres]
public sealed class StreamCrashesOnPostgres(ITestOutputHelper output) : StreamCrashTests(new PostgresTestDatabase(), output);
