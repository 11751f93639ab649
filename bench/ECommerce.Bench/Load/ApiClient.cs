using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ECommerce.Bench.Load;

internal sealed record ApiResponse(int Status, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public long Long(string property) => Json.GetProperty(property).GetInt64();

    /// <summary>The ProblemDetails <c>code</c> extension, or null.</summary>
    public string? Code =>
        Body.StartsWith('{') && JsonDocument.Parse(Body).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
}

/// <summary>Thrown when a set-up or verification request gets an answer the scenario cannot go on from.</summary>
internal sealed class UnexpectedResponseException(string request, ApiResponse response)
    : Exception($"{request} -> {response.Status} {Truncate(response.Body)}")
{
    public int Status { get; } = response.Status;

    private static string Truncate(string body) => body.Length <= 300 ? body : body[..300] + "...";
}

/// <summary>JSON over one pooled HttpClient; a request given a step name is timed and counted by the recorder.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(Uri baseUrl, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl, "api/v1/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public LoadRecorder? Recorder { get; set; }

    public Task<ApiResponse> GetAsync(string path, string? step = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, step, cancellationToken);

    public Task<ApiResponse> PostAsync(string path, object body, string? step = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body, JsonDefaults.Web), step, cancellationToken);

    /// <summary>Posts and insists on <paramref name="expectedStatus"/>: for set-up and checks, never timed.</summary>
    public async Task<ApiResponse> PostExpectingAsync(string path, object body, int expectedStatus, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync(path, body, null, cancellationToken).ConfigureAwait(false);
        return response.Status == expectedStatus ? response : throw new UnexpectedResponseException($"POST /api/v1/{path}", response);
    }

    public async Task<ApiResponse> GetExpectingAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await GetAsync(path, null, cancellationToken).ConfigureAwait(false);
        return response.Status == 200 ? response : throw new UnexpectedResponseException($"GET /api/v1/{path}", response);
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string? step, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var recorder = step is null ? null : Recorder;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            recorder?.Record(step!, (int)response.StatusCode, Stopwatch.GetElapsedTime(started));
            return new ApiResponse((int)response.StatusCode, body);
        }
        catch (HttpRequestException exception) when (recorder is not null)
        {
            // A refused or reset connection is a failed request of the load, reported as status 0.
            recorder.Record(step!, 0, Stopwatch.GetElapsedTime(started));
            return new ApiResponse(0, exception.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One <see cref="ApiClient"/> per backend URL, each with the whole connection cap, sharing one recorder.</summary>
internal sealed class ApiClients(IReadOnlyList<Uri> urls, int maxConnections, LoadRecorder recorder) : IDisposable
{
    public IReadOnlyList<ApiClient> All { get; } = urls.Select(url => new ApiClient(url, maxConnections) { Recorder = recorder }).ToList();

    public void Dispose()
    {
        foreach (var client in All)
        {
            client.Dispose();
        }
    }
}

internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
