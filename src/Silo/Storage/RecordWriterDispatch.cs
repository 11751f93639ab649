using System.Collections.Concurrent;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Storage;

/// <summary>Finds the <see cref="IRecordWriter{TRecord}"/> for a record's runtime type; the generic invoker is built once per
/// record type, after which a write is a virtual call.</summary>
internal sealed class RecordWriterDispatch(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, RecordWriterInvoker> _invokers = new();

    /// <exception cref="InvalidOperationException">No writer is registered for the record's type.</exception>
    public RecordWriterInvoker For(object record) => _invokers.GetOrAdd(record.GetType(), Create, services);

    private static RecordWriterInvoker Create(Type recordType, IServiceProvider services)
    {
        var writer = services.GetService(typeof(IRecordWriter<>).MakeGenericType(recordType))
            ?? throw new InvalidOperationException(
                $"No IRecordWriter<{recordType.FullName}> is registered; call services.AddRecordWriter<{recordType.Name}, TWriter>().");
        return (RecordWriterInvoker)Activator.CreateInstance(typeof(RecordWriterInvoker<>).MakeGenericType(recordType), writer)!;
    }
}

internal abstract class RecordWriterInvoker
{
    public abstract Task WriteAsync(SqlWriteTransaction transaction, GrainId grainId, object record, CancellationToken cancellationToken);
}

internal sealed class RecordWriterInvoker<TRecord>(IRecordWriter<TRecord> writer) : RecordWriterInvoker where TRecord : class
{
    public override Task WriteAsync(SqlWriteTransaction transaction, GrainId grainId, object record,
        CancellationToken cancellationToken) =>
        writer.WriteAsync(transaction.Connection, transaction.Transaction, grainId, (TRecord)record, cancellationToken);
}
