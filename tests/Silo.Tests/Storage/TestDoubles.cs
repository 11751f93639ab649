using System.Globalization;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

internal static class TestTables
{
    public static async Task<long> ScalarAsync(IServiceProvider services, string sql)
    {
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
