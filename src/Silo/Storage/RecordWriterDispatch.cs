using System.Collections.Concurrent;
using ECommerce.Grains.Abstractions.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Storage;

/// <summary>Finds the <see cref="IRecordWriter{TRecord}"/> for a record's runtime type; the generic type is built once per
/// record type, after which a write is a virtual call.</summary>
internal sealed class RecordWriterDispatch(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, RecordWriterInvoker> _invokers = new();

    /// <exception cref="InvalidOperationException">No writer is registered for the record's type.</exception>
    public RecordWriterInvoker For(object record) => _invokers.GetOrAdd(record.GetType(), Create, services);

    private static RecordWriterInvoker Create(Type recordType, IServiceProvider services)
    {
        var invokerType = typeof(RecordWriterInvoker<>).MakeGenericType(recordType);
        return (RecordWriterInvoker)Activator.CreateInstance(invokerType, services)!;
    }
}

internal abstract class RecordWriterInvoker
{
    public abstract Task WriteAsync(SqlWriteTransaction transaction, GrainId grainId, object record, CancellationToken cancellationToken);
}

internal sealed class RecordWriterInvoker<TRecord> : RecordWriterInvoker where TRecord : class
{
    private readonly IRecordWriter<TRecord> _writer;

    public RecordWriterInvoker(IServiceProvider services) =>
        _writer = services.GetService<IRecordWriter<TRecord>>() ?? throw new InvalidOperationException(
            $"No IRecordWriter<{typeof(TRecord).FullName}> is registered; call services.AddRecordWriter<{typeof(TRecord).Name}, TWriter>().");

    public override Task WriteAsync(SqlWriteTransaction transaction, GrainId grainId, object record,
        CancellationToken cancellationToken) =>
        _writer.WriteAsync(transaction.Connection, transaction.Transaction, grainId, (TRecord)record, cancellationToken);
}
