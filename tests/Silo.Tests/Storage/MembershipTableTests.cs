using System.Data.Common;
using System.Net;
using ECommerce.Silo.Hosting;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;

namespace ECommerce.Silo.Tests.Storage;

[RequiresPostgres]
public sealed class PostgresMembershipTableTests(PostgresStorageFixture fixture)
    : MembershipTableTests(fixture), IClassFixture<PostgresStorageFixture>
{
    protected override DbConnection Connect() =>
        new NpgsqlConnection(Fixture.Configuration.GetConnectionString("Postgres"));

    protected override string WaitsBehind => "SELECT COUNT(*) FROM pg_stat_activity WHERE @blocker = ANY (pg_blocking_pids(pid))";

    protected override string SessionId => "SELECT pg_backend_pid()";

    /// <summary>An uncommitted row of the same key: PostgreSQL takes no lock on a key that has no row.</summary>
    protected override string HoldKey => """
        INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, start_time,
                                        i_am_alive_time)
        VALUES (@deployment, @address, @port, @generation, 'blocker', 'blocker', 0, now(), now())
        """;
}

[RequiresMySql]
public sealed class MySqlMembershipTableTests(MySqlStorageFixture fixture)
    : MembershipTableTests(fixture), IClassFixture<MySqlStorageFixture>
{
    protected override DbConnection Connect() =>
        new MySqlConnection(Fixture.Configuration.GetConnectionString("MySql"));

    protected override string WaitsBehind => """
        SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w
        JOIN information_schema.INNODB_TRX t ON t.trx_id = w.blocking_trx_id
        WHERE t.trx_mysql_thread_id = @blocker
        """;

    protected override string SessionId => "SELECT CONNECTION_ID()";

    /// <summary>A change that waits for a lock longer than its procedure allows fails whole, before the client's own
    /// timeout would kill it half-way, and leaves the cluster's version row unlocked behind its pooled connection.</summary>
    [StorageFact]
    public async Task AChangeThatWaitsTooLongForALockFailsWholeAndLeavesTheVersionUnlocked()
    {
        var (table, clusterId) = await CreateTableAsync();
        var silo = NewEntry(23456);
        var (_, joined, etag) = await JoinAsync(table, silo);

        await using (var blocker = Connect())
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await LockMemberAsync(blocker, transaction, clusterId, 23456);

            silo.Status = SiloStatus.Active;
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => table.UpdateRowAsync(silo, etag, joined.Version.Next()));
            Assert.Contains("Lock wait timeout", refused.ToString(), StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        await using var probe = Connect();
        await probe.OpenAsync();
        await using (var check = await probe.BeginTransactionAsync())
        {
            // NOWAIT: an error at once if any transaction still holds the row.
            Assert.Equal(joined.Version.Version, await ScalarAsync(probe, check,
                "SELECT version FROM orleans_membership_version WHERE deployment_id = @deployment FOR UPDATE NOWAIT",
                ("@deployment", clusterId)));
            await check.RollbackAsync();
        }

        Assert.True(await table.UpdateRowAsync(silo, etag, joined.Version.Next()));
    }

    /// <summary>A locking read of the missing key: under REPEATABLE READ it locks the gap the row would go into, which
    /// stops an insert there but not another reader of the key.</summary>
    protected override string HoldKey => """
        SELECT COUNT(*) FROM orleans_membership
        WHERE deployment_id = @deployment AND address = @address AND port = @port AND generation = @generation
        FOR UPDATE
        """;
}

/// <summary>Orleans's ADO.NET membership table on the project's queries. A silo keeps the newest table version it
/// has read and ignores a later read of the same version, so a version must never be readable before the member
/// change that goes with it: each test holds that change back behind another transaction's lock and reads the table
/// meanwhile.</summary>
public abstract class MembershipTableTests(StorageFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    protected StorageFixture Fixture { get; } = fixture;

    protected abstract DbConnection Connect();

    /// <summary>How many sessions wait for a lock the session <c>@blocker</c> holds.</summary>
    protected abstract string WaitsBehind { get; }

    protected abstract string SessionId { get; }

    /// <summary>Holds the key of a member not inserted yet (<c>@deployment</c>, <c>@address</c>, <c>@port</c>,
    /// <c>@generation</c>) in the blocker's transaction, so that an insert under that key waits.</summary>
    protected abstract string HoldKey { get; }

    [StorageFact]
    public async Task AStatusChangeHeldBackByALockIsNotReadAsANewVersionBeforeItIsWritten()
    {
        var (table, clusterId) = await CreateTableAsync();
        var silo = NewEntry(11111);
        var (_, joined, etag) = await JoinAsync(table, silo);

        await using var blocker = Connect();
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await LockMemberAsync(blocker, transaction, clusterId, 11111);

        silo.Status = SiloStatus.Active;
        var update = table.UpdateRowAsync(silo, etag, joined.Version.Next());
        await WaitUntilBlockedAsync(blocker, transaction, update);

        var meanwhile = await table.ReadAllAsync();
        Assert.Equal((joined.Version.Version, SiloStatus.Joining),
            (meanwhile.Version.Version, Assert.Single(meanwhile.Members).Item1.Status));

        await transaction.RollbackAsync();
        Assert.True(await update);
        var after = await table.ReadAllAsync();
        Assert.Equal((joined.Version.Version + 1, SiloStatus.Active),
            (after.Version.Version, Assert.Single(after.Members).Item1.Status));
    }

    [StorageFact]
    public async Task AJoinHeldBackByALockIsNotReadAsANewVersionBeforeItsRowIsWritten()
    {
        var (table, clusterId) = await CreateTableAsync();
        var (_, before, _) = await JoinAsync(table, NewEntry(22222));

        // Another transaction holds the key the second silo is about to insert.
        await using var blocker = Connect();
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        var second = NewEntry(33333);
        await ExecuteAsync(blocker, transaction, HoldKey, ("@deployment", clusterId),
            ("@address", second.SiloAddress.Endpoint.Address.ToString()), ("@port", 33333),
            ("@generation", second.SiloAddress.Generation));

        var insert = table.InsertRowAsync(second, before.Version.Next());
        await WaitUntilBlockedAsync(blocker, transaction, insert);

        var meanwhile = await table.ReadAllAsync();
        Assert.Equal((before.Version.Version, 1), (meanwhile.Version.Version, meanwhile.Members.Count));

        await transaction.RollbackAsync();
        Assert.True(await insert);
        var after = await table.ReadAllAsync();
        Assert.Equal((before.Version.Version + 1, 2), (after.Version.Version, after.Members.Count));
    }

    [StorageFact]
    public async Task AChangeAgainstAnOldVersionChangesNothing()
    {
        var (table, _) = await CreateTableAsync();
        var silo = NewEntry(44444);
        var (empty, joined, etag) = await JoinAsync(table, silo);

        Assert.False(await table.InsertRowAsync(NewEntry(55555), empty.Version.Next()));
        silo.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(silo, etag, empty.Version.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal((joined.Version.Version, SiloStatus.Joining),
            (after.Version.Version, Assert.Single(after.Members).Item1.Status));
    }

    protected async Task<(AdoNetClusteringTable Table, string ClusterId)> CreateTableAsync()
    {
        var storage = Fixture.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var (invariant, connectionString) = CommerceStorageSiloBuilderExtensions.ResolveDatabase(storage, Fixture.Configuration);
        var clusterId = "membership-" + Guid.NewGuid().ToString("N");
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = invariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, clusterId);
    }

    /// <summary>The first member of an empty table: the table before and after, and the member's etag.</summary>
    protected static async Task<(MembershipTableData Empty, MembershipTableData Joined, string Etag)> JoinAsync(
        AdoNetClusteringTable table, MembershipEntry silo)
    {
        var empty = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(silo, empty.Version.Next()));
        var joined = await table.ReadAllAsync();
        return (empty, joined, Assert.Single(joined.Members).Item2);
    }

    protected static MembershipEntry NewEntry(int port)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
            SiloName = $"silo-{port}",
            HostName = "membership-tests",
            Status = SiloStatus.Joining,
            ProxyPort = port + 1,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    /// <summary>Until the change waits for the blocker's lock; fails if it finished or is still not waiting.</summary>
    private async Task WaitUntilBlockedAsync(DbConnection blocker, DbTransaction transaction, Task<bool> change)
    {
        var session = await ScalarAsync(blocker, transaction, SessionId);
        await using var observer = Connect();
        await observer.OpenAsync();
        var deadline = DateTime.UtcNow + WaitLimit;
        while (await ScalarAsync(observer, null, WaitsBehind, ("@blocker", session)) == 0)
        {
            if (change.IsCompleted)
            {
                Assert.Fail($"The change finished without waiting for the lock: {await change}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"The change was not waiting for the lock after {WaitLimit}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Locks the member row of <paramref name="port"/> in the blocker's transaction.</summary>
    protected static Task LockMemberAsync(DbConnection blocker, DbTransaction transaction, string clusterId, int port) =>
        ExecuteAsync(blocker, transaction,
            "SELECT status FROM orleans_membership WHERE deployment_id = @deployment AND port = @port FOR UPDATE",
            ("@deployment", clusterId), ("@port", port));

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    protected static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The product's own <see cref="SqlCommands"/>, with each parameter bound.</summary>
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql,
        (string Name, object Value)[] parameters)
    {
        var command = SqlCommands.Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            command.Bind(name, value);
        }

        return command;
    }
}
