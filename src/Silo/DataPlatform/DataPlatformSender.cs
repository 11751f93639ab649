using System.Text;
using System.Text.Json;
using ECommerce.Grains.Abstractions.Events;
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
    public async Task SendAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        var body = Envelope(streamEvent);
        if (_options.Endpoint is not { } endpoint)
        {
            LogSink(logger, streamEvent.EventType, streamEvent.EventId, body);
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", streamEvent.EventId.ToString("D"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var response = await httpClients.CreateClient(DataPlatformOptions.HttpClientName).SendAsync(request, timeout.Token);
        response.EnsureSuccessStatusCode();
    }

    private static string Envelope(StreamEvent streamEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("eventId", streamEvent.EventId);
            writer.WriteString("eventType", streamEvent.EventType);
            writer.WriteString("occurredAt", streamEvent.OccurredAt);
            writer.WritePropertyName("data");
            writer.WriteRawValue(streamEvent.Payload);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Data platform (log sink) {EventType} {EventId}: {Body}")]
    private static partial void LogSink(ILogger logger, string eventType, Guid eventId, string body);
}
