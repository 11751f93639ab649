using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Silo.DataPlatform;

/// <summary>One POST of one event: <c>{eventId, eventType, occurredAt, data}</c> with the event id as the
/// Idempotency-Key header, so the platform can drop a repeat we could not avoid. No endpoint: the log is the sink.</summary>
internal sealed partial class DataPlatformSender(
    IHttpClientFactory httpClients,
    IOptions<DataPlatformOptions> options,
    ILogger<DataPlatformSender> logger)
{
    private readonly DataPlatformOptions _options = options.Value;

    /// <exception cref="HttpRequestException">The platform refused it or did not answer.</exception>
    /// <exception cref="TaskCanceledException">The POST took longer than DataPlatform:Timeout.</exception>
    public async Task SendAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var body = Envelope(platformEvent);
        if (_options.Endpoint is not { } endpoint)
        {
            LogSink(logger, platformEvent.EventType, platformEvent.EventId, body);
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", platformEvent.EventId.ToString("D"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var response = await httpClients.CreateClient(DataPlatformOptions.HttpClientName).SendAsync(request, timeout.Token);
        response.EnsureSuccessStatusCode();
    }

    private static string Envelope(PlatformEvent platformEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("eventId", platformEvent.EventId);
            writer.WriteString("eventType", platformEvent.EventType);
            writer.WriteString("occurredAt", platformEvent.OccurredAt);
            writer.WritePropertyName("data");
            writer.WriteRawValue(platformEvent.Payload);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Data platform (log sink) {EventType} {EventId}: {Body}")]
    private static partial void LogSink(ILogger logger, string eventType, Guid eventId, string body);
}
