using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ECommerce.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Runtime;

public sealed class SiloMetricsTests
{
    [Fact]
    public async Task CallsErrorsLatencyAndActivationsAreMeasuredPerGrainTypeAndMethod()
    {
        await using var silo = await TestSilo.StartAsync();
        var meter = silo.Services.GetRequiredService<SiloMetrics>().Meter;
        var sums = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var type = "";
            var method = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "grain.type") type = (string)tag.Value!;
                if (tag.Key == "grain.method") method = (string)tag.Value!;
            }

            var key = $"{instrument.Name}|{type}|{method}";
            // Histograms count recordings, gauges keep the last value, counters add up.
            var increment = instrument is Histogram<double> ? 1 : value;
            sums.AddOrUpdate(key, increment, (_, v) => instrument is ObservableGauge<long> ? value : v + increment);
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var counter = silo.Grains.GetGrain<ICounterGrain>(7);
        for (var i = 0; i < 3; i++)
        {
            await counter.IncrementAsync();
        }

        await Assert.ThrowsAsync<GrainRuleBrokenException>(() => silo.Grains.GetGrain<IFaultyGrain>(7).FailAsync("metered"));
        listener.RecordObservableInstruments();

        Assert.Equal(3, sums["grain.calls|counter|IncrementAsync"]);
        Assert.Equal(3, sums["grain.call.duration|counter|IncrementAsync"]);
        Assert.Equal(1, sums["grain.errors|faulty|FailAsync"]);
        Assert.False(sums.ContainsKey("grain.errors|counter|IncrementAsync"));
        Assert.Equal(1, sums["grain.activations|counter|"]);
        Assert.Equal(1, sums["grain.activations|faulty|"]);
    }
}
