using ECommerce.Grains;
using ECommerce.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace ECommerce.Silo.Tests.Orleans;

public sealed class SqliteWriteGateTests
{
    [Theory]
    [InlineData("Sqlite", true)]
    [InlineData("Postgres", false)]
    public void OnSqliteTheCommerceStorageTakesItsWritesThroughTheDatabasesWriterGate(string provider, bool gated)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.db")}",
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=unused",
        });
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddCommerceStorage(builder.Configuration));
        using var host = builder.Build();

        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

        Assert.Equal(gated, storage is SerializedSqliteGrainStorage);
    }
}
