using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;

namespace ECommerce.Grains.Tests.Cluster;

/// <summary>A fresh, unmigrated database (the silos migrate it): one SQLite file that every silo opens, or one schema
/// on the ECOMMERCE_TEST_POSTGRES server. Removed on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _directory;
    private readonly PostgresSchema? _schema;

    private TestDatabase(Dictionary<string, string?> settings, string? directory, PostgresSchema? schema)
    {
        _settings = settings;
        _directory = directory;
        _schema = schema;
    }

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Postgres)
        {
            var schema = await PostgresSchema.CreateAsync("grain_test");
            return new TestDatabase(new()
            {
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Postgres"] = schema.ConnectionString,
            }, null, schema);
        }

        var directory = Path.Combine(Path.GetTempPath(), "ecommerce-grain-tests", Guid.NewGuid().ToString("N"));
        return new TestDatabase(new()
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "commerce.db")}",
        }, directory, null);
    }

    /// <summary>The silo settings for this database, with orders expiring after <paramref name="paymentTimeout"/>.</summary>
    public IReadOnlyDictionary<string, string?> Settings(TimeSpan paymentTimeout) =>
        new Dictionary<string, string?>(_settings) { ["Orders:PaymentTimeout"] = paymentTimeout.ToString("c") };

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }
}
