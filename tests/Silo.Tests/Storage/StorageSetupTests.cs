using System.Diagnostics.Metrics;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

public sealed class StorageSetupTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ecommerce-storage-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SqliteIsTheDefaultProviderAndCreatesTheDatabaseDirectoryInWalMode()
    {
        var file = Path.Combine(_directory, "nested", "app.db");
        await using var services = Build(new() { ["ConnectionStrings:Sqlite"] = $"Data Source={file}" });

        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(None);

        Assert.Equal(StorageProvider.Sqlite, services.GetRequiredService<SqlDatabase>().Provider);
        Assert.True(File.Exists(file));
        await using var connection = await services.GetRequiredService<SqlDatabase>().OpenConnectionAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ThePostgresProviderWithoutAConnectionStringFailsWithAClearMessage()
    {
        await using var services = Build(new() { ["Storage:Provider"] = "Postgres" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IGrainStorage>());

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesAndVersionConflictsAreMeasuredOnTheStorageMeter()
    {
        await using var services = Build(new() { ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_directory, "m.db")}" });
        await services.GetRequiredService<IStorageInitializer>().InitializeAsync(None);
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Instrument, double Value, object? GrainType)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this container's meter, so parallel test classes cannot add to the counts.
            if (instrument.Meter.Name == StorageMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        var storage = services.GetRequiredService<IGrainStorage>();
        var grain = new GrainId("metered", "1");

        await storage.WriteAsync(grain, "state", new CounterState(1), 0, [], None);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(grain, "state", new CounterState(2), 0, [], None));

        lock (measurements)
        {
            Assert.Single(measurements, m => m is { Instrument: "storage.write.duration", GrainType: "metered" });
            Assert.Single(measurements, m => m is { Instrument: "storage.write.records", Value: 0, GrainType: "metered" });
            Assert.Single(measurements, m => m is { Instrument: "storage.version_conflicts", Value: 1, GrainType: "metered" });
        }

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            object? grainType = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "grain.type")
                {
                    grainType = tag.Value;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, grainType));
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSiloStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
