using ECommerce.Api.Tests.Dashboard;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Api.Tests.Admin;

/// <summary>The admin page in a real headless browser against the app on a real Kestrel on 127.0.0.1.</summary>
public sealed class AdminPageTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(20);

    [BrowserFact]
    public async Task ThePageShowsAPaidProductInTheTopFiveAndChartsTheTrafficWithGapsForIdleSeconds()
    {
        Assert.True(ChromeDriver.IsInstalled, $"CI must install chromium and chromium-driver ({ChromeDriver.ChromiumPath}, {ChromeDriver.DriverPath}).");
        factory.UseKestrel(0);
        factory.StartServer();
        var baseAddress = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        var api = new ApiClient(new HttpClient { BaseAddress = new Uri(baseAddress) }, factory.Accounts);
        await using var browser = await ChromeDriver.StartAsync();

        // An anonymous visit is sent to the login form, which comes back to the page once the admin signed in.
        await browser.NavigateAsync($"{baseAddress}/admin");
        await Eventually.WaitAsync(() => browser.EvaluateAsync("return location.pathname;"), p => p == "/login", PageTimeout, "sent to /login");
        await browser.SignInAsync(TestAccounts.AdminEmail, TestAccounts.AdminPassword);
        await Eventually.WaitAsync(() => browser.EvaluateAsync("return location.pathname;"), p => p == "/admin", PageTimeout, "back on /admin");
        await Eventually.WaitAsync(() => browser.TextAsync("#status"), s => s.StartsWith("updated", StringComparison.Ordinal), PageTimeout, "updated");

        var user = await api.CreateUserAsync("Admin browser");
        await api.ChargeAsync(user.UserId, 100_000);
        var lamp = await api.CreateProductAsync(price: 10_000, stock: 20, name: "Admin Lamp");
        var order = await api.CreateOrderAsync(user.UserId, [(lamp.ProductId, 3)]);
        await api.PayAsync(order.OrderId, user.UserId);

        await Eventually.WaitAsync(() => browser.TextAsync("#top-products"), text => text.Contains("Admin Lamp (3)", StringComparison.Ordinal),
            PageTimeout, "ranking the paid product");
        Assert.Equal("true", await browser.EvaluateAsync("return String(document.querySelector('#top-products-na').hidden);"));

        // The API calls above land in the traffic chart; the seconds before them, and the page's own polling, do not.
        const string chart = "Chart.getChart('chart-traffic')";
        await Eventually.WaitAsync(() => browser.EvaluateAsync(
                $"return String(window.Chart !== undefined && {chart} !== undefined && {chart}.data.datasets[0].data.reduce((a, b) => a + b, 0));"),
            v => long.TryParse(v, out var requests) && requests >= 5, PageTimeout, "charting the requests");
        Assert.Equal("60", await browser.EvaluateAsync($"return String({chart}.data.labels.length);"));
        var latency = await browser.EvaluateAsync(
            "const d = Chart.getChart('chart-latency').data.datasets[0]; " +
            "return [d.spanGaps, d.data.some(v => v === null), d.data.some(v => typeof v === 'number')].join();");
        Assert.Equal("false,true,true", latency);
        Assert.NotEqual("–", await browser.TextAsync("#error-rate"));
        await browser.SaveScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "screenshots", "admin.png"));

        // The same sign-in opens Orleans's dashboard.
        await browser.NavigateAsync($"{baseAddress}/dashboard/");
        await Eventually.WaitAsync(() => browser.EvaluateAsync("return location.pathname + ' ' + document.title;"),
            p => p == "/dashboard/ Orleans Dashboard", PageTimeout, "on the dashboard");
    }
}
