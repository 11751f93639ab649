using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ECommerce.Silo.Hosting;

/// <summary>Orleans's ADO.NET grain storage on PostgreSQL, with the reads and writes of many grains sent together
/// through <see cref="PostgresStatementBatcher"/>. Each grain still reads or writes one state at a time and waits for its
/// own answer; the statements are the <c>ReadFromStorageKey</c> and <c>WriteToStorageKey</c> queries the provider itself
/// runs, keyed as the provider keys a grain, so both see the same rows. Clears go to the provider unchanged.</summary>
internal sealed class BatchedPostgresGrainStorage(IGrainStorage inner, PostgresStatementBatcher batcher, string serviceId,
    IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    internal PostgresStatementBatcher Batcher => batcher;

    /// <summary>The provider's read: a row's payload and version become the state and its ETag; a row whose payload was
    /// cleared keeps its version as the ETag but does not exist; no row is a new state without an ETag.</summary>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (stateName.Contains('`', StringComparison.Ordinal))
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
            return;
        }

        var key = new ProviderKey(grainId);
        var row = await batcher.ReadRowAsync("ReadFromStorageKey", RowKey(stateName, key), KeyParameters(stateName, key));
        var payload = row?[0] as byte[];
        grainState.State = (payload is null ? default : serializer.Deserialize<T>(new BinaryData(payload)))
            ?? activators.GetActivator<T>().Create();
        grainState.ETag = row?[1] is { } version ? Convert.ToInt32(version, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : null;
        grainState.RecordExists = payload is not null;
    }

    /// <summary>The provider's write, with its ETag rules: a refused write (a stale ETag, or none for a row that
    /// exists) is an <see cref="InconsistentStateException"/> and leaves the ETag as it was.</summary>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (stateName.Contains('`', StringComparison.Ordinal))
        {
            // The provider rewrites generic type names into its key: leave those to it.
            await inner.WriteStateAsync(stateName, grainId, grainState);
            return;
        }

        var key = new ProviderKey(grainId);
        int? version = string.IsNullOrWhiteSpace(grainState.ETag) ? null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var answer = await batcher.RunAsync("WriteToStorageKey", RowKey(stateName, key), [
            .. KeyParameters(stateName, key),
            new NpgsqlParameter("GrainStateVersion", NpgsqlDbType.Integer) { Value = (object?)version ?? DBNull.Value },
            new NpgsqlParameter("PayloadBinary", NpgsqlDbType.Bytea) { Value = serializer.Serialize(grainState.State).ToArray() }]);
        var written = answer is null ? null : Convert.ToInt32(answer, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        if (written is null || written == grainState.ETag)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={serviceId} GrainType={stateName} GrainId={grainId} ETag={grainState.ETag}.");
        }

        grainState.ETag = written;
        grainState.RecordExists = true;
    }

    private static string RowKey(string stateName, ProviderKey key) => $"state|{stateName}|{key.N0}|{key.N1}|{key.Extension}";

    private NpgsqlParameter[] KeyParameters(string stateName, ProviderKey key) =>
    [
        new NpgsqlParameter("ServiceId", NpgsqlDbType.Text) { Value = serviceId },
        new NpgsqlParameter("GrainTypeString", NpgsqlDbType.Text) { Value = stateName },
        new NpgsqlParameter("GrainIdN0", NpgsqlDbType.Bigint) { Value = key.N0 },
        new NpgsqlParameter("GrainIdN1", NpgsqlDbType.Bigint) { Value = key.N1 },
        new NpgsqlParameter("GrainIdExtensionString", NpgsqlDbType.Text) { Value = (object?)key.Extension ?? DBNull.Value },
    ];

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    /// <summary>Wraps the keyed storage <paramref name="name"/> registered by Orleans's ADO.NET provider.</summary>
    public static void Decorate(IServiceCollection services, string name) =>
        GrainStorageDecoration.Decorate(services, name, "postgres", (sp, inner) => new BatchedPostgresGrainStorage(inner,
            sp.GetRequiredService<PostgresStatementBatcher>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(name).GrainStorageSerializer,
            sp.GetRequiredService<IActivatorProvider>()));

    /// <summary>A grain's key as Orleans's provider stores it: an integer key in <c>N1</c>, a Guid's two halves in
    /// <c>N0</c>/<c>N1</c>, a key extension (or a whole string key) in the extension string.</summary>
    private readonly struct ProviderKey
    {
        public ProviderKey(GrainId grainId)
        {
            if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
            {
                Span<byte> bytes = stackalloc byte[16];
                guid.TryWriteBytes(bytes);
                N0 = BitConverter.ToInt64(bytes[..8]);
                N1 = BitConverter.ToInt64(bytes[8..]);
                Extension = guidExtension;
            }
            else if (grainId.TryGetIntegerKey(out var integer, out var integerExtension))
            {
                N1 = integer;
                Extension = integerExtension;
            }
            else
            {
                Extension = grainId.Key.ToString();
            }
        }

        public long N0 { get; }
        public long N1 { get; }
        public string? Extension { get; }
    }
}
