using System.Data.Common;
using MySqlConnector;

namespace ECommerce.Silo.Storage;

/// <summary>MySQL (or MariaDB) through MySqlConnector. DDL commits implicitly here, so the migration runner sends a
/// MySQL script one statement at a time under a named lock instead of in one transaction.</summary>
internal sealed class MySqlDatabase(string connectionString) : SqlDatabase
{
    private readonly MySqlDataSource _dataSource = new(connectionString);

    public override StorageProvider Provider => StorageProvider.MySql;

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public override DbParameter CreateJsonParameter(string name, string json) => new MySqlParameter(name, json);

    public override string OnDuplicateKeyDoNothing(string keyColumn) =>
        $"ON DUPLICATE KEY UPDATE {keyColumn} = {keyColumn}";

    public override string OnDuplicateKeyUpdate(string keyColumns, params string[] columns) =>
        "ON DUPLICATE KEY UPDATE " + string.Join(", ", columns.Select(column => $"{column} = VALUES({column})"));

    public override void Dispose() => _dataSource.Dispose();

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
