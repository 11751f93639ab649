using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace ECommerce.Silo.Storage;

internal sealed class PostgresDatabase(string connectionString) : SqlDatabase
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override DbParameter CreateJsonParameter(string name, string json) =>
        new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json };

    public override void Dispose() => _dataSource.Dispose();

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
