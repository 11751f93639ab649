namespace ECommerce.Silo.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
    MySql,
}

/// <summary>Section "Storage". Connection strings come from <c>ConnectionStrings:Sqlite</c> / <c>ConnectionStrings:Postgres</c> /
/// <c>ConnectionStrings:MySql</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public const string DefaultSqliteConnectionString = "Data Source=data/ecommerce.db";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>How long a SQLite connection waits for another process's write lock before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
