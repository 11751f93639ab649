using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ECommerce.Silo.Tests.Runtime;

/// <summary>One silo host over the test grains. Storage is in-memory unless the caller registers another first
/// or the settings choose a Storage:Provider.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Runtime = host.Services.GetRequiredService<SiloRuntime>();
        Probe = host.Services.GetRequiredService<Probe>();
    }

    public IGrainFactory Grains { get; }

    public SiloRuntime Runtime { get; }

    public Probe Probe { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<TestSilo> StartAsync(
        Action<IServiceCollection>? registerFirst = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Probe? probe = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:CollectionInterval"] = "01:00:00",
            ["Silo:ReminderPollInterval"] = "00:00:00.050",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging();
        builder.Services.AddSingleton(probe ?? new Probe());
        registerFirst?.Invoke(builder.Services);
        if (settings?.ContainsKey("Storage:Provider") != true)
        {
            builder.Services.TryAddSingleton<IGrainStorage>(_ => new MemoryGrainStorage());
            builder.Services.TryAddSingleton<IReminderTable>(_ => new MemoryReminderTable());
        }
        else
        {
            builder.Services.AddRecordWriter<CounterIncremented, CounterIncrementedWriter>();
        }

        builder.Services.AddSilo(builder.Configuration, typeof(TestSilo).Assembly);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
