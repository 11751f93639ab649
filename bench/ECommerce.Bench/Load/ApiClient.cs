using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
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

/// <summary>JSON over one pooled HttpClient; a request given a step name is timed and counted by the recorder. Against
/// the project every request carries a bearer token: the token of the user it names (<c>asUser</c>, signed in during
/// set-up by <see cref="SignInAsync"/>), else the bootstrap admin's. The baseline has no accounts: nothing is sent.</summary>
internal sealed class ApiClient : IDisposable
{
    /// <summary>The bootstrap admin of the tool's own server, and of the README's <c>dotnet run</c> (src/Api/appsettings.json).</summary>
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "admin-password";

    /// <summary>The password of every user the tool registers.</summary>
    public const string UserPassword = "bench-password";

    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<long, string> _tokens;
    private readonly Lazy<Task<string>> _adminToken;

    /// <param name="tokens">Signed-in users' tokens, shared by the clients of one cluster's nodes (any node accepts
    /// them); null: this client's own.</param>
    public ApiClient(Uri baseUrl, int maxConnections, ConcurrentDictionary<long, string>? tokens = null)
    {
        _tokens = tokens ?? new();
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl, "api/v1/"), Timeout = TimeSpan.FromSeconds(60) };
        _adminToken = new Lazy<Task<string>>(() => RequestTokenAsync(AdminEmail, AdminPassword, CancellationToken.None));
    }

    /// <summary>False for the baseline, which has no accounts.</summary>
    public bool SignsIn { get; init; } = true;

    public Uri BaseAddress => _http.BaseAddress!;

    public LoadRecorder? Recorder { get; set; }

    public Task<ApiResponse> GetAsync(string path, string? step = null, CancellationToken cancellationToken = default, long? asUser = null) =>
        SendAsync(HttpMethod.Get, path, null, step, asUser, cancellationToken);

    public Task<ApiResponse> PostAsync(string path, object body, string? step = null, CancellationToken cancellationToken = default,
        long? asUser = null) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body, JsonDefaults.Web), step, asUser, cancellationToken);

    public Task<ApiResponse> PutAsync(string path, object body, string? step = null, CancellationToken cancellationToken = default,
        long? asUser = null) =>
        SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body, JsonDefaults.Web), step, asUser, cancellationToken);

    /// <summary>Posts and insists on <paramref name="expectedStatus"/>: for set-up and checks, never timed.</summary>
    public async Task<ApiResponse> PostExpectingAsync(string path, object body, int expectedStatus, CancellationToken cancellationToken = default,
        long? asUser = null)
    {
        var response = await PostAsync(path, body, null, cancellationToken, asUser).ConfigureAwait(false);
        return response.Status == expectedStatus ? response : throw new UnexpectedResponseException($"POST /api/v1/{path}", response);
    }

    public async Task<ApiResponse> GetExpectingAsync(string path, CancellationToken cancellationToken = default, long? asUser = null)
    {
        var response = await GetAsync(path, null, cancellationToken, asUser).ConfigureAwait(false);
        return response.Status == 200 ? response : throw new UnexpectedResponseException($"GET /api/v1/{path}", response);
    }

    /// <summary>Set-up, not timed: signs <paramref name="userId"/> in with <see cref="UserPassword"/> and keeps the token.</summary>
    public async Task SignInAsync(long userId, string email, CancellationToken cancellationToken)
    {
        if (SignsIn)
        {
            _tokens[userId] = await RequestTokenAsync(email, UserPassword, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<string> RequestTokenAsync(string email, string password, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new { email, password }, JsonDefaults.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/token") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answer = new ApiResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return answer.Status == 200
            ? answer.Json.GetProperty("accessToken").GetString()!
            : throw new UnexpectedResponseException($"POST /api/v1/auth/token as {email}", answer);
    }

    /// <summary>Any method, with extra request headers (e.g. a waiting room's Queue-Token).</summary>
    public Task<ApiResponse> SendWithHeadersAsync(HttpMethod method, string path, object? body, IReadOnlyDictionary<string, string> headers,
        string? step = null, CancellationToken cancellationToken = default, long? asUser = null) =>
        SendAsync(method, path, body is null ? null : JsonSerializer.Serialize(body, JsonDefaults.Web), step, asUser, cancellationToken, headers);

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string? step, long? asUser,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (SignsIn)
        {
            var token = asUser is { } userId
                ? _tokens.TryGetValue(userId, out var own) ? own : throw new InvalidOperationException($"User {userId} did not sign in.")
                : await _adminToken.Value.ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
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

/// <summary>One <see cref="ApiClient"/> per backend URL, each with the whole connection cap, sharing one recorder and
/// the users' tokens (a user signed in during set-up on the first node sends the same token to every node).</summary>
internal sealed class ApiClients(IReadOnlyList<Uri> urls, int maxConnections, LoadRecorder recorder, bool signsIn) : IDisposable
{
    public IReadOnlyList<ApiClient> All { get; } = Create(urls, maxConnections, recorder, signsIn);

    private static List<ApiClient> Create(IReadOnlyList<Uri> urls, int maxConnections, LoadRecorder recorder, bool signsIn)
    {
        var tokens = new ConcurrentDictionary<long, string>();
        return urls.Select(url => new ApiClient(url, maxConnections, tokens) { Recorder = recorder, SignsIn = signsIn }).ToList();
    }

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
