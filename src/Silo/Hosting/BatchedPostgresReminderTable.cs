using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ECommerce.Silo.Hosting;

/// <summary>Orleans's ADO.NET reminder table on PostgreSQL, with its two per-grain writes (a reminder's upsert and its
/// delete) committed together with other grains' writes through <see cref="PostgresStatementBatcher"/>, using the
/// provider's own <c>UpsertReminderRowKey</c> and <c>DeleteReminderRowKey</c> statements and parameters. Reads go to the
/// provider unchanged.</summary>
internal sealed class BatchedPostgresReminderTable(IReminderTable inner, PostgresStatementBatcher batcher, string serviceId)
    : IReminderTable
{
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

    /// <summary>Inserts at version 1 or replaces the schedule; answers the new version as the ETag.</summary>
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        var grainId = entry.GrainId.ToString();
        var period = entry.Period.TotalMilliseconds <= int.MaxValue ? (object)(int)entry.Period.TotalMilliseconds : (long)entry.Period.TotalMilliseconds;
        var version = await batcher.RunAsync("UpsertReminderRowKey", RowKey(grainId, entry.ReminderName),
            new NpgsqlParameter("ServiceId", serviceId),
            new NpgsqlParameter("GrainId", grainId),
            new NpgsqlParameter("ReminderName", entry.ReminderName),
            new NpgsqlParameter("GrainHash", (int)entry.GrainId.GetUniformHashCode()),
            new NpgsqlParameter("StartTime", entry.StartAt),
            new NpgsqlParameter("Period", period));
        return version is null ? null : Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Deletes the reminder only at <paramref name="eTag"/>; true when a row went.</summary>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var id = grainId.ToString();
        var removed = await batcher.RunAsync("DeleteReminderRowKey", RowKey(id, reminderName),
            new NpgsqlParameter("ServiceId", serviceId),
            new NpgsqlParameter("GrainId", id),
            new NpgsqlParameter("ReminderName", reminderName),
            new NpgsqlParameter("Version", int.Parse(eTag, System.Globalization.CultureInfo.InvariantCulture)));
        return removed is true;
    }

    private static string RowKey(string grainId, string reminderName) => $"reminder|{grainId}|{reminderName}";

    /// <summary>Wraps the reminder table Orleans's ADO.NET provider registered.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No reminder table to wrap.");
        services.Remove(registered);
        Func<IServiceProvider, IReminderTable> create = registered switch
        {
            { ImplementationType: { } type } => sp => (IReminderTable)ActivatorUtilities.CreateInstance(sp, type),
            { ImplementationFactory: { } factory } => sp => (IReminderTable)factory(sp),
            { ImplementationInstance: IReminderTable instance } => _ => instance,
            _ => throw new InvalidOperationException("The reminder table's registration is not one this can wrap."),
        };
        services.AddSingleton<IReminderTable>(sp => new BatchedPostgresReminderTable(create(sp),
            sp.GetRequiredService<PostgresStatementBatcher>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
    }
}
