using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.Hosting;
using ECommerce.Silo.Tests.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace ECommerce.Silo.Tests.Orleans;

public sealed class KnownGrainInterfaceTypesTests
{
    [Fact]
    public async Task EveryGrainInterfaceResolvesAsOrleansAloneWouldAndIsWorkedOutOnce()
    {
        var counting = new CountingProvider();
        var file = EventsHost.NewDatabaseFile();
        try
        {
            await using (var host = await EventsHost.StartAsync(file,
                services => services.AddSingleton<IGrainInterfaceTypeProvider>(counting)))
            {
                var services = host.Services;
                Assert.IsType<KnownGrainInterfaceTypes>(services.GetServices<IGrainInterfaceTypeProvider>().First());

                // What Orleans answers without the project's provider: its own providers, then its convention.
                var orleansAlone = new GrainInterfaceTypeResolver(
                    services.GetServices<IGrainInterfaceTypeProvider>().Where(p => p is not KnownGrainInterfaceTypes and not CountingProvider),
                    services.GetRequiredService<TypeConverter>());
                var resolver = services.GetRequiredService<GrainInterfaceTypeResolver>();
                var interfaces = typeof(IUserGrain).Assembly.GetTypes()
                    .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && !t.ContainsGenericParameters)
                    .ToList();
                Assert.True(interfaces.Count >= 10, $"only {interfaces.Count} grain interfaces found");
                foreach (var type in interfaces)
                {
                    Assert.Equal(orleansAlone.GetGrainInterfaceType(type), resolver.GetGrainInterfaceType(type));
                }

                counting.Reset();
                for (var i = 0; i < 50; i++)
                {
                    _ = host.Grains.GetGrain<IUserGrain>(i + 1);
                    _ = host.Grains.GetGrain<IProductGrain>(i + 1);
                    _ = host.Grains.GetGrain<IOrderGrain>(i + 1);
                }

                // Each was worked out above; the 150 references asked no provider behind the project's again.
                Assert.Equal(0, counting.Calls);

                // And a reference made this way reaches its grain.
                var user = host.Grains.GetGrain<IUserGrain>(7);
                await user.RegisterAsync("seven", "seven@example.test");
                Assert.Equal(500, (await user.ChargeAsync(500)).Balance);
            }
        }
        finally
        {
            EventsHost.DeleteDatabase(file);
        }
    }

    /// <summary>Answers nothing, counts how often the resolver reached it.</summary>
    private sealed class CountingProvider : IGrainInterfaceTypeProvider
    {
        private int _calls;

        public int Calls => _calls;

        public void Reset() => Interlocked.Exchange(ref _calls, 0);

        public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
        {
            Interlocked.Increment(ref _calls);
            grainInterfaceType = default;
            return false;
        }
    }
}
