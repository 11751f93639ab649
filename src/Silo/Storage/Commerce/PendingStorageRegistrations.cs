using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Storage;

// TEMPORARY until the storage branch lands on main (it defines these two in StorageServiceCollectionExtensions):
// delete this file in the merge that brings them.
internal static class PendingStorageRegistrations
{
    public static IServiceCollection AddStateTable<TState, TTable>(this IServiceCollection services)
        where TState : class
        where TTable : class, IStateTable<TState> =>
        services.AddSingleton<IStateTable<TState>, TTable>();

    public static IServiceCollection AddRecordWriter<TRecord, TWriter>(this IServiceCollection services)
        where TRecord : class
        where TWriter : class, IRecordWriter<TRecord> =>
        services.AddSingleton<IRecordWriter<TRecord>, TWriter>();
}
