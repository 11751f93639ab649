using System.Globalization;
using System.Reflection;
using System.Text;
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
/// each in its own transaction together with its row in <c>schema_migrations</c>. MySQL commits every DDL statement
/// on its own, so there a script is sent one statement at a time (<see cref="SplitStatements"/>) under a named lock,
/// and a MySQL script must be safe to run again after a failure half-way (CREATE ... IF NOT EXISTS, REPLACE INTO).</summary>
internal sealed partial class MigrationRunner(SqlDatabase database, TimeProvider timeProvider, ILogger<MigrationRunner> logger)
    : IStorageInitializer
{
    // Any fixed number works; it only has to be the same for every runtime instance sharing one database.
    private const long PostgresLockKey = 0x4543_4F4D_4D49_4752;

    private const string MySqlLockName = "ecommerce.schema_migrations";

    private static readonly TimeSpan MySqlLockTimeout = TimeSpan.FromSeconds(120);

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     bigint      NOT NULL PRIMARY KEY,
            name        text        NOT NULL,
            applied_at  timestamptz NOT NULL
        )
        """;

    private const string CreateMySqlHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     bigint       NOT NULL PRIMARY KEY,
            name        varchar(200) NOT NULL,
            applied_at  datetime(6)  NOT NULL
        )
        """;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts(database.Provider);
        await using (var transaction = await BeginLockedAsync(cancellationToken))
        {
            var committed = false;
            try
            {
                await using var command = transaction.CreateCommand(
                    database.Provider == StorageProvider.MySql ? CreateMySqlHistoryTable : CreateHistoryTable);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                committed = true;
            }
            finally
            {
                await UnlockAsync(transaction, committed);
            }
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
        var committed = false;
        try
        {
            await using (var check = transaction.CreateCommand("SELECT COUNT(*) FROM schema_migrations WHERE version = @version"))
            {
                check.WithParameter("@version", script.Version);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }
            }

            foreach (var statement in database.Provider == StorageProvider.MySql ? SplitStatements(script.Sql) : [script.Sql])
            {
                await using var apply = transaction.CreateCommand(statement);
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
            committed = true;
        }
        finally
        {
            await UnlockAsync(transaction, committed);
        }

        LogApplied(logger, database.Provider, script.Version, script.Name);
    }

    /// <summary>The statements of a MySQL script, split at each <c>;</c> outside quotes and outside a stored routine's
    /// <c>BEGIN ... END</c>, without their <c>--</c> comments; empty statements are left out. Scripts use no DELIMITER
    /// and no backslash escapes.</summary>
    internal static IReadOnlyList<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = (end < 0 ? sql.Length : end) - 1;
            }
            else if (c is '\'' or '"' or '`')
            {
                // A doubled quote inside a literal closes and reopens it, which copies the same text.
                var end = sql.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new InvalidOperationException($"Unterminated {c} quote in a MySQL migration.");
                }

                current.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (char.IsLetter(c) && (i == 0 || !IsWordChar(sql[i - 1])))
            {
                // A stored routine's BEGIN ... END holds statements of its own: its semicolons do not end the script's
                // statement. END IF / END WHILE / END LOOP / END REPEAT / END CASE close no BEGIN.
                var end = i;
                while (end < sql.Length && IsWordChar(sql[end]))
                {
                    end++;
                }

                var word = sql[i..end];
                if (word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase))
                {
                    depth++;
                }
                else if (word.Equals("END", StringComparison.OrdinalIgnoreCase) && depth > 0 && !ClosesAControlStatement(end))
                {
                    depth--;
                }

                current.Append(sql, i, end - i);
                i = end - 1;
            }
            else if (c == ';' && depth == 0)
            {
                Add();
            }
            else
            {
                current.Append(c);
            }
        }

        Add();
        return statements;

        static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

        bool ClosesAControlStatement(int after)
        {
            var next = after;
            while (next < sql.Length && char.IsWhiteSpace(sql[next]))
            {
                next++;
            }

            var end = next;
            while (end < sql.Length && IsWordChar(sql[end]))
            {
                end++;
            }

            return sql[next..end].ToUpperInvariant() is "IF" or "WHILE" or "LOOP" or "REPEAT" or "CASE";
        }

        void Add()
        {
            var statement = current.ToString().Trim();
            if (statement.Length > 0)
            {
                statements.Add(statement);
            }

            current.Clear();
        }
    }

    // SQLite: BEGIN IMMEDIATE already excludes other writers, in this process and in others (busy_timeout waits).
    // MySQL: GET_LOCK belongs to the session, not the transaction, so it outlives the commits DDL makes on its own.
    private async Task<SqlWriteTransaction> BeginLockedAsync(CancellationToken cancellationToken)
    {
        var transaction = await database.BeginWriteAsync(cancellationToken);
        if (database.Provider == StorageProvider.Postgres)
        {
            await using var command = transaction.CreateCommand("SELECT pg_advisory_xact_lock(@key)");
            command.WithParameter("@key", PostgresLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (database.Provider == StorageProvider.MySql)
        {
            await using var command = transaction.CreateCommand("SELECT GET_LOCK(@name, @timeout)");
            command.WithParameter("@name", MySqlLockName).WithParameter("@timeout", (int)MySqlLockTimeout.TotalSeconds);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 1)
            {
                await transaction.DisposeAsync();
                throw new TimeoutException($"Another instance held the MySQL migration lock for {MySqlLockTimeout}.");
            }
        }

        return transaction;
    }

    // A pooled MySQL session keeps its named lock until it is reset: release it before the connection goes back,
    // after the transaction (MySqlConnector refuses a command outside the connection's open transaction).
    private async Task UnlockAsync(SqlWriteTransaction transaction, bool committed)
    {
        if (database.Provider == StorageProvider.MySql)
        {
            if (!committed)
            {
                await transaction.Transaction.RollbackAsync(CancellationToken.None);
            }

            await using var command = transaction.Connection.CreateCommand();
            command.CommandText = "DO RELEASE_LOCK(@name)";
            command.WithParameter("@name", MySqlLockName);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.Migrations\.(?<provider>Sqlite|Postgres|MySql)\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Provider} migration {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, StorageProvider provider, long version, string name);
}
