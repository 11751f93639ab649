using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Storage;

/// <summary>Prepares the database at start-up. Safe to call from several runtime instances at once.</summary>
public interface IStorageInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}

internal sealed record MigrationScript(long Version, string Name, string Sql);

/// <summary>Applies the embedded scripts <c>Storage/Migrations/{Provider}/NNNN_name.sql</c> in version order,
/// each in its own transaction together with its row in <c>schema_migrations</c>.</summary>
internal sealed partial class MigrationRunner(SqlDatabase database, TimeProvider timeProvider, ILogger<MigrationRunner> logger)
    : IStorageInitializer
{
    // Any fixed number works; it only has to be the same for every runtime instance sharing one database.
    private const long PostgresLockKey = 0x4543_4F4D_4D49_4752;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     bigint      NOT NULL PRIMARY KEY,
            name        text        NOT NULL,
            applied_at  timestamptz NOT NULL
        )
        """;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts(database.Provider);
        await using (var transaction = await BeginLockedAsync(cancellationToken))
        {
            await using var command = transaction.CreateCommand(CreateHistoryTable);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var script in scripts)
        {
            await ApplyAsync(script, cancellationToken);
        }
    }

    internal static IReadOnlyList<MigrationScript> LoadScripts(StorageProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success || !string.Equals(match.Groups["provider"].Value, provider.ToString(), StringComparison.Ordinal))
            {
                continue;
            }

            scripts.Add(new MigrationScript(
                long.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No embedded {provider} migrations found under Storage/Migrations/{provider}.");
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Two {provider} migrations share version {scripts[i].Version}: {scripts[i - 1].Name} and {scripts[i].Name}.");
            }
        }

        return scripts;
    }

    private async Task ApplyAsync(MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginLockedAsync(cancellationToken);
        await using (var check = transaction.CreateCommand("SELECT COUNT(*) FROM schema_migrations WHERE version = @version"))
        {
            check.WithParameter("@version", script.Version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }

        await using (var apply = transaction.CreateCommand(script.Sql))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = transaction.CreateCommand(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at)"))
        {
            record.WithParameter("@version", script.Version)
                .WithParameter("@name", script.Name)
                .WithParameter("@applied_at", timeProvider.GetUtcNow());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, database.Provider, script.Version, script.Name);
    }

    // SQLite: BEGIN IMMEDIATE already excludes other writers, in this process and in others (busy_timeout waits).
    private async Task<SqlWriteTransaction> BeginLockedAsync(CancellationToken cancellationToken)
    {
        var transaction = await database.BeginWriteAsync(cancellationToken);
        if (database.Provider == StorageProvider.Postgres)
        {
            await using var command = transaction.CreateCommand("SELECT pg_advisory_xact_lock(@key)");
            command.WithParameter("@key", PostgresLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return transaction;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.Migrations\.(?<provider>Sqlite|Postgres)\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Provider} migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, StorageProvider provider, long version, string name);
}
