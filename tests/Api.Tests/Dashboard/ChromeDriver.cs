using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests.Dashboard;

/// <summary>Debian's chromium driven headless through chromedriver's WebDriver HTTP protocol; no client package.</summary>
public sealed class ChromeDriver : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly Process _driver;
    private readonly HttpClient _http;
    private readonly string _profile;
    private string? _session;

    private ChromeDriver(Process driver, HttpClient http, string profile)
    {
        _driver = driver;
        _http = http;
        _profile = profile;
    }

    public static bool IsInstalled => File.Exists(ChromiumPath) && File.Exists(DriverPath);

    public static async Task<ChromeDriver> StartAsync()
    {
        var port = FreePorts.Next();
        var driver = Process.Start(new ProcessStartInfo(DriverPath, [$"--port={port}", "--allowed-ips=127.0.0.1"])
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        })!;
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var profile = Directory.CreateTempSubdirectory("dashboard-chromium-").FullName;
        var chrome = new ChromeDriver(driver, http, profile);
        await chrome.WaitUntilReadyAsync();
        await chrome.NewSessionAsync();
        return chrome;
    }

    public async Task NavigateAsync(string url) => await CommandAsync(HttpMethod.Post, "url", new JsonObject { ["url"] = url });

    /// <summary>Fills the /login form the browser is on and submits it.</summary>
    public async Task SignInAsync(string email, string password) =>
        await EvaluateAsync(
            $"document.querySelector('#email').value = {JsonSerializer.Serialize(email)}; " +
            $"document.querySelector('#password').value = {JsonSerializer.Serialize(password)}; " +
            "setTimeout(() => document.querySelector('form').submit(), 0); return 'submitted';");

    /// <summary>Runs <paramref name="script"/> in the page and returns its result as text.</summary>
    public async Task<string> EvaluateAsync(string script)
    {
        var value = await CommandAsync(HttpMethod.Post, "execute/sync", new JsonObject { ["script"] = script, ["args"] = new JsonArray() });
        return value?.ToString() ?? "";
    }

    public Task<string> TextAsync(string cssSelector) =>
        EvaluateAsync($"return document.querySelector({JsonSerializer.Serialize(cssSelector)})?.innerText ?? '';");

    public async Task SaveScreenshotAsync(string path)
    {
        var base64 = (await CommandAsync(HttpMethod.Get, "screenshot", null))!.GetValue<string>();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(base64));
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            using var _ = await _http.DeleteAsync($"session/{_session}");
        }

        if (!_driver.HasExited)
        {
            _driver.Kill(entireProcessTree: true);
            await _driver.WaitForExitAsync();
        }

        _driver.Dispose();
        _http.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var status = await _http.GetFromJsonAsync<JsonObject>("status");
                if (status?["value"]?["ready"]?.GetValue<bool>() == true)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_driver.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || _driver.HasExited)
            {
                throw new InvalidOperationException($"chromedriver did not become ready on {_http.BaseAddress}");
            }

            await Task.Delay(100);
        }
    }

    private async Task NewSessionAsync()
    {
        var arguments = new JsonArray("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--window-size=1400,1300", $"--user-data-dir={_profile}");
        var capabilities = new JsonObject
        {
            ["capabilities"] = new JsonObject
            {
                ["alwaysMatch"] = new JsonObject
                {
                    ["browserName"] = "chrome",
                    ["goog:chromeOptions"] = new JsonObject { ["binary"] = ChromiumPath, ["args"] = arguments },
                },
            },
        };
        using var response = await _http.PostAsync("session", Json(capabilities));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        _session = body?["value"]?["sessionId"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"chromedriver refused the session: {body}");
    }

    private async Task<JsonNode?> CommandAsync(HttpMethod method, string command, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, $"session/{_session}/{command}");
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await _http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"WebDriver {command} failed with {(int)response.StatusCode}: {json}");
        }

        return json?["value"];
    }

    // chromedriver's server wants a Content-Length: no chunked JsonContent.
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Runs when chromium and chromedriver are installed; skipped locally without them, failed under CI=true.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!ChromeDriver.IsInstalled && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"Needs Debian's chromium and chromium-driver ({ChromeDriver.ChromiumPath}, {ChromeDriver.DriverPath}); `.ci/run` installs them.";
        }
    }
}
