using ECommerce.Grains.Persistence;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace ECommerce.Api.Telemetry;

public sealed class OtlpOptions
{
    public const string SectionName = "Otlp";

    /// <summary>Collector address, e.g. http://localhost:4317; nothing is exported while it is unset.</summary>
    public string? Endpoint { get; set; }

    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;

    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(10);
}

public static class OtlpMetricsExtensions
{
    public static readonly string[] MeterNames =
    [
        "Microsoft.Orleans",
        GroupCommitMeter.Name,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
    ];

    /// <summary>Exports Orleans's, the product's group-commit and ASP.NET Core's meters over OTLP when <c>Otlp:Endpoint</c> is set.</summary>
    public static IServiceCollection AddOtlpMetrics(this IServiceCollection services)
    {
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.SectionName);
        services.AddHostedService<OtlpMetricsService>();
        return services;
    }
}

/// <summary>Owns the OpenTelemetry MeterProvider for the host's lifetime (OpenTelemetry.Extensions.Hosting does not restore here).</summary>
internal sealed class OtlpMetricsService(Microsoft.Extensions.Options.IOptions<OtlpOptions> options, ILogger<OtlpMetricsService> logger)
    : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public MeterProvider? Provider => _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Endpoint))
        {
            return Task.CompletedTask;
        }

        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(OtlpMetricsExtensions.MeterNames)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(settings.Endpoint!);
                exporter.Protocol = settings.Protocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
            })
            .Build();
        logger.LogInformation("Exporting metrics over OTLP ({Protocol}) to {Endpoint}", settings.Protocol, settings.Endpoint);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // A last export of what was measured since the previous one.
        _provider?.ForceFlush((int)TimeSpan.FromSeconds(5).TotalMilliseconds);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }
}
