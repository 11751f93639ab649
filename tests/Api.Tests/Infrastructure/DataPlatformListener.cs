using System.Net;
using System.Text.Json;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>A data platform on 127.0.0.1 that child processes POST to: it keeps every request's Idempotency-Key and
/// the body's event id and order id, and answers 200.</summary>
public sealed class DataPlatformListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<Received> _received = [];
    private readonly Task _loop;

    public DataPlatformListener()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePorts.Next()}/events/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_received)
            {
                return _received.ToList();
            }
        }
    }

    public IReadOnlyList<Received> ForOrder(long orderId) => Requests.Where(r => r.OrderId == orderId).ToList();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                var received = new Received(context.Request.Headers["Idempotency-Key"] ?? "",
                    body.RootElement.GetProperty("eventId").GetGuid(),
                    body.RootElement.GetProperty("data").GetProperty("orderId").GetInt64());
                lock (_received)
                {
                    _received.Add(received);
                }
            }

            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
        _listener.Close();
    }

    public sealed record Received(string IdempotencyKey, Guid EventId, long OrderId);
}
