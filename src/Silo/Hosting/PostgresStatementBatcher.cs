using System.Diagnostics;
using System.Diagnostics.Metrics;
using ECommerce.Grains.Persistence;
using Npgsql;

namespace ECommerce.Silo.Hosting;

/// <summary>Section <c>Storage:StateWriteBatch</c>: how Orleans's grain-state and reminder writes on PostgreSQL, and
/// the state reads of activations, are grouped.</summary>
public sealed class StateWriteBatchOptions
{
    public const string Section = "Storage:StateWriteBatch";

    /// <summary>Each statement (write or read) on its own, one round trip (and commit) each, as Orleans's providers send
    /// them: only for measuring what batching saves.</summary>
    public bool Disabled { get; set; }

    /// <summary>Statements sent together at most.</summary>
    public int MaxBatch { get; set; } = 128;

    /// <summary>Batches on their way at once (each on its own connection); a statement that finds them all busy goes out
    /// in the next one.</summary>
    public int MaxInFlight { get; set; } = 2;
}

/// <summary>Runs Orleans's own one-row statements (the <c>OrleansQuery</c> texts the providers run: writes, and the
/// grain-state read of each activation) for many grains in one round trip and one commit. A statement that finds a free flush slot goes out at once (alone, if
/// nothing else waits), so a quiet silo adds no wait; statements arriving while <see cref="StateWriteBatchOptions.MaxInFlight"/>
/// batches are on their way go out together in the next. Each statement keeps its own optimistic check, so a stale
/// ETag is refused for its grain alone; a failed batch fails each of its statements, as a failed single write would.</summary>
internal sealed class PostgresStatementBatcher : IAsyncDisposable
{
    private static readonly Meter Meter = new(GroupCommitMeter.Name);
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "ecommerce.postgres_batch.size", "{statement}", "Orleans write statements committed in one PostgreSQL batch.");
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "ecommerce.postgres_batch.duration", "ms", "Duration of one batch of Orleans write statements.");

    private readonly NpgsqlDataSource _dataSource;
    private readonly StateWriteBatchOptions _options;
    private readonly object _gate = new();
    private readonly Queue<Statement> _pending = new();
    private Task<IReadOnlyDictionary<string, string>>? _queries;
    private int _flushing;
    private long _flushes;

    public PostgresStatementBatcher(string connectionString, StateWriteBatchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = options.MaxInFlight + 1 };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _options = options;
    }

    /// <summary>Batches sent so far: fewer than the statements when they were grouped.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Runs the <c>OrleansQuery</c> statement <paramref name="queryKey"/> with <paramref name="parameters"/> and
    /// answers the first column of its first row (null for none or NULL). <paramref name="rowKey"/> names the row it
    /// changes, table included: a batch takes rows in that order, so two batches never wait on each other's rows
    /// crosswise.</summary>
    public Task<object?> RunAsync(string queryKey, string rowKey, params NpgsqlParameter[] parameters) =>
        Enqueue(new Statement(queryKey, rowKey, parameters, wholeRow: false));

    /// <summary>Runs a one-row read <paramref name="queryKey"/> in the next batch and answers its first row's columns
    /// (NULL as null), or null when it found no row. It sees what the batches before it committed.</summary>
    public async Task<object?[]?> ReadRowAsync(string queryKey, string rowKey, params NpgsqlParameter[] parameters) =>
        (object?[]?)await Enqueue(new Statement(queryKey, rowKey, parameters, wholeRow: true));

    private Task<object?> Enqueue(Statement statement)
    {
        if (_options.Disabled)
        {
            return RunAloneAsync(statement);
        }

        bool start;
        lock (_gate)
        {
            _pending.Enqueue(statement);
            start = _flushing < _options.MaxInFlight;
            if (start)
            {
                _flushing++;
            }
        }

        if (start)
        {
            // Off the caller's (a grain's) scheduler: the loop serves every grain's statements.
            _ = Task.Run(FlushLoopAsync);
        }

        return statement.Completion.Task;
    }

    private async Task<object?> RunAloneAsync(Statement statement)
    {
        await FlushAsync([statement]);
        return await statement.Completion.Task;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<Statement> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing--;
                    return;
                }

                batch = new List<Statement>(Math.Min(_pending.Count, _options.MaxBatch));
                while (batch.Count < _options.MaxBatch && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            await FlushAsync(batch);
        }
    }

    /// <summary>One round trip: PostgreSQL runs a batch sent without a transaction as one implicit transaction, so its
    /// statements commit together or (on an error) not at all. Never throws: each statement learns its own outcome.</summary>
    private async Task FlushAsync(List<Statement> batch)
    {
        Interlocked.Increment(ref _flushes);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var queries = await QueriesAsync();
            batch.Sort(Statement.RowOrder);
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlBatch(connection);
            foreach (var statement in batch)
            {
                var text = queries.TryGetValue(statement.QueryKey, out var found)
                    ? found
                    : throw new InvalidOperationException($"OrleansQuery has no {statement.QueryKey}: the migrations have not run.");
                var batchCommand = new NpgsqlBatchCommand(text);
                batchCommand.Parameters.AddRange(statement.Parameters);
                command.BatchCommands.Add(batchCommand);
            }

            var answers = new object?[batch.Count];
            await using (var reader = await command.ExecuteReaderAsync())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    answers[i] = !await reader.ReadAsync() ? null
                        : batch[i].WholeRow ? Row(reader)
                        : await reader.IsDBNullAsync(0) ? null
                        : reader.GetValue(0);
                    await reader.NextResultAsync();
                }
            }

            // Only now is the batch committed: the reader's end reads the server's answer to the batch's end.
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(answers[i]);
            }
        }
        catch (Exception error)
        {
            foreach (var statement in batch)
            {
                statement.Completion.TrySetException(error);
            }
        }
        finally
        {
            BatchSize.Record(batch.Count);
            BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static object?[] Row(NpgsqlDataReader reader)
    {
        var values = new object?[reader.FieldCount];
        for (var column = 0; column < values.Length; column++)
        {
            values[column] = reader.IsDBNull(column) ? null : reader.GetValue(column);
        }

        return values;
    }

    /// <summary>The statements, read once; a read that failed (the database unreachable at the first write) is not
    /// kept, so the next batch reads them again instead of failing for the life of the silo.</summary>
    private Task<IReadOnlyDictionary<string, string>> QueriesAsync()
    {
        var current = Volatile.Read(ref _queries);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        var next = LoadQueriesAsync();
        return Interlocked.CompareExchange(ref _queries, next, current) == current ? next : _queries!;
    }

    private async Task<IReadOnlyDictionary<string, string>> LoadQueriesAsync()
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = _dataSource.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries[reader.GetString(0)] = reader.GetString(1);
        }

        return queries;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private sealed class Statement(string queryKey, string rowKey, NpgsqlParameter[] parameters, bool wholeRow)
    {
        public static readonly Comparison<Statement> RowOrder = (a, b) => string.CompareOrdinal(a.RowKey, b.RowKey);

        public string QueryKey { get; } = queryKey;
        public string RowKey { get; } = rowKey;
        public NpgsqlParameter[] Parameters { get; } = parameters;
        public bool WholeRow { get; } = wholeRow;
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
