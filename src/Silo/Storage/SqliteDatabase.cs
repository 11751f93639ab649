using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ECommerce.Silo.Storage;

internal sealed class SqliteDatabase : SqlDatabase
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    // Keyed by file so every instance in this process that writes one file shares one gate.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly SemaphoreSlim _writeGate;
    private volatile bool _fileReady;

    public SqliteDatabase(string connectionString, TimeSpan busyTimeout)
    {
        _connectionString = connectionString;
        var busyMs = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        // WAL makes NORMAL durable across application crashes and saves an fsync per commit.
        _connectionPragmas = $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = NORMAL;";
        DataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        FilePath = IsFile(DataSource, connectionString) ? Path.GetFullPath(DataSource) : null;
        _writeGate = WriteGates.GetOrAdd(FilePath ?? DataSource, static _ => new SemaphoreSlim(1, 1));
    }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>The in-process gate of this file's writers, shared with Orleans's grain-state writes (see
    /// <c>SerializedSqliteGrainStorage</c>): SQLite takes one writer at a time, and writers queued here cost nothing,
    /// where writers racing for the file lock retry and wait.</summary>
    internal SemaphoreSlim WriteGate => _writeGate;

    public string DataSource { get; }

    /// <summary>The database file, or null for an in-memory database.</summary>
    public string? FilePath { get; }

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_fileReady)
        {
            await PrepareFileAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        var ready = false;
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _connectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            ready = true;
            return connection;
        }
        finally
        {
            if (!ready)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public override async Task<SqlWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        var release = new GateRelease(_writeGate);
        DbConnection? connection = null;
        SqlWriteTransaction? write = null;
        try
        {
            connection = await OpenConnectionAsync(cancellationToken);
            // deferred: false is BEGIN IMMEDIATE: take the write lock now, not on the first write statement.
            var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            write = new SqlWriteTransaction(connection, transaction, release);
            return write;
        }
        finally
        {
            if (write is null)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                release.Dispose();
            }
        }
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException
        {
            SqliteErrorCode: SqliteConstraint,
            SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        };

    public override DbParameter CreateJsonParameter(string name, string json) => new SqliteParameter(name, json);

    public override void Dispose()
    {
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task PrepareFileAsync(CancellationToken cancellationToken)
    {
        if (FilePath is not null)
        {
            var directory = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // journal_mode is stored in the file, so setting it once per process is enough.
        command.CommandText = _connectionPragmas + " PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        _fileReady = true;
    }

    private static bool IsFile(string dataSource, string connectionString) =>
        dataSource.Length > 0
        && !string.Equals(dataSource, ":memory:", StringComparison.OrdinalIgnoreCase)
        && new SqliteConnectionStringBuilder(connectionString).Mode != SqliteOpenMode.Memory;

    private sealed class GateRelease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
