using System.Data.Common;

namespace ECommerce.Silo.Storage;

/// <summary>The one place that knows the provider: opens connections and write transactions, and names the few
/// things the SQL text cannot hide. Everything else is plain ADO.NET that runs on all three.</summary>
public abstract class SqlDatabase : IDisposable, IAsyncDisposable
{
    public abstract StorageProvider Provider { get; }

    /// <summary>An open connection for reads; dispose it when done.</summary>
    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>An open connection with a write transaction; dispose without <see cref="SqlWriteTransaction.CommitAsync"/>
    /// to roll back. On SQLite writers of one file are serialized in-process and the transaction is BEGIN IMMEDIATE.</summary>
    public virtual async Task<SqlWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        // Pooled servers (PostgreSQL, MySQL): a connection of the pool and a transaction at its default isolation.
        var connection = await OpenConnectionAsync(cancellationToken);
        SqlWriteTransaction? write = null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            write = new SqlWriteTransaction(connection, transaction, writeLock: null);
            return write;
        }
        finally
        {
            if (write is null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>True for a primary-key or unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>A parameter bound to a JSON column (text on SQLite and MySQL, jsonb on PostgreSQL).</summary>
    public abstract DbParameter CreateJsonParameter(string name, string json);

    /// <summary>The end of an INSERT that leaves an existing row with the same key untouched.</summary>
    public virtual string OnDuplicateKeyDoNothing(string keyColumn) => $"ON CONFLICT ({keyColumn}) DO NOTHING";

    /// <summary>The end of an INSERT that, on a row with the same <paramref name="keyColumns"/>, sets
    /// <paramref name="columns"/> to the inserted values.</summary>
    public virtual string OnDuplicateKeyUpdate(string keyColumns, params string[] columns) =>
        $"ON CONFLICT ({keyColumns}) DO UPDATE SET " + string.Join(", ", columns.Select(column => $"{column} = excluded.{column}"));

    public abstract void Dispose();

    public abstract ValueTask DisposeAsync();
}

public sealed class SqlWriteTransaction : IAsyncDisposable
{
    private readonly IDisposable? _writeLock;
    private bool _disposed;

    internal SqlWriteTransaction(DbConnection connection, DbTransaction transaction, IDisposable? writeLock)
    {
        Connection = connection;
        Transaction = transaction;
        _writeLock = writeLock;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // Disposing an uncommitted transaction rolls it back.
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            _writeLock?.Dispose();
        }
    }
}

internal static class DbCommandExtensions
{
    public static DbCommand WithParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
