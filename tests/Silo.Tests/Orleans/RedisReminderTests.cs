using ECommerce.Silo.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ECommerce.Silo.Tests.Orleans;

/// <summary><c>Reminders:Provider=Redis</c>: the reminders live in the Redis of ECOMMERCE_TEST_REDIS, not in the storage
/// database, and fire again after a restart.</summary>
[RequiresRedis]
public sealed class RedisReminderTests(SqliteStorageFixture fixture) : IClassFixture<SqliteStorageFixture>
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [StorageFact]
    public async Task AReminderStoredInRedisFiresAndStillFiresAfterAClusterRestart()
    {
        var database = new ConfigurationBuilder()
            .AddConfiguration(await fixture.CreateDatabaseAsync())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Reminders:Provider"] = "Redis",
                ["ConnectionStrings:Redis"] = RedisEnvironment.ConnectionString,
            })
            .Build();
        // A fresh service id: Redis keeps what other runs stored under theirs.
        var serviceId = CommerceTestCluster.NewServiceId();
        var grainId = GrainId.Create("reminderprobe", "redis");

        var first = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var probe = first.GrainFactory.GetGrain<IReminderProbeGrain>("redis");
            await probe.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            await WaitUntilAsync(async () => await probe.TicksAsync("tick") >= 1, "the first tick");
            Assert.Equal(0, await TestTables.ScalarAsync(CommerceTestCluster.SiloServices(first),
                "SELECT COUNT(*) FROM orleans_reminders"));
        }
        finally
        {
            await CommerceTestCluster.StopAsync(first);
        }

        var second = await CommerceTestCluster.StartAsync(database, serviceId);
        try
        {
            var probe = second.GrainFactory.GetGrain<IReminderProbeGrain>("redis");
            Assert.True(await probe.IsRegisteredAsync("tick"));
            await WaitUntilAsync(async () => await probe.TicksAsync("tick") >= 1, "a tick after the restart");
            var table = CommerceTestCluster.SiloServices(second).GetRequiredService<IReminderTable>();
            Assert.Equal("tick", Assert.Single((await table.ReadRows(grainId)).Reminders).ReminderName);
            await probe.UnregisterAsync("tick");
            Assert.Empty((await table.ReadRows(grainId)).Reminders);
        }
        finally
        {
            await CommerceTestCluster.StopAsync(second);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {WaitLimit} for {what}.");
            // Pacing between polls; the condition is the probe above.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
