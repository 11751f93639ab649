using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace ECommerce.Silo.Hosting;

/// <summary>Orleans's ADO.NET grain storage on SQLite, with its writes taken one at a time through the database's
/// in-process writer gate. SQLite has one writer at a time; Orleans opens a connection per write, and many of them
/// racing for the file lock spend their time retrying. Reads are not gated (WAL lets them run beside the writer).</summary>
internal sealed class SerializedSqliteGrainStorage(IGrainStorage inner, SemaphoreSlim writeGate)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await writeGate.WaitAsync();
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await writeGate.WaitAsync();
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
        finally
        {
            writeGate.Release();
        }
    }

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    /// <summary>Wraps the keyed storage <paramref name="name"/> registered by Orleans's ADO.NET provider.</summary>
    public static void Decorate(IServiceCollection services, string name) =>
        GrainStorageDecoration.Decorate(services, name, "sqlite", (sp, inner) => new SerializedSqliteGrainStorage(
            inner, ((SqliteDatabase)sp.GetRequiredService<SqlDatabase>()).WriteGate));
}
