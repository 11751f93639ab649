using System.Globalization;
using System.Net;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Api.Tests.Dashboard;

/// <summary>The page in a real headless browser against the app on a real Kestrel on 127.0.0.1.</summary>
public sealed class DashboardPageTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(20);

    [BrowserFact]
    public async Task ThePageShowsTheCallsAndTopProductsThatApiCallsCause()
    {
        Assert.True(ChromeDriver.IsInstalled, $"CI must install chromium and chromium-driver ({ChromeDriver.ChromiumPath}, {ChromeDriver.DriverPath}).");
        factory.UseKestrel(0);
        factory.StartServer();
        var baseAddress = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        var api = new ApiClient(new HttpClient { BaseAddress = new Uri(baseAddress) });
        await using var browser = await ChromeDriver.StartAsync();

        await browser.NavigateAsync($"{baseAddress}/dashboard");
        await Eventually.WaitAsync(() => browser.TextAsync("#status"), s => s.StartsWith("updated", StringComparison.Ordinal), PageTimeout, "updated");
        var callsBefore = await PageNumberAsync(browser, "#total-calls");

        var user = await api.CreateUserAsync("Browser");
        await api.ChargeAsync(user.UserId, 100_000);
        var lamp = await api.CreateProductAsync(price: 10_000, stock: 20, name: "Dashboard Lamp");
        var order = await api.CreateOrderAsync(user.UserId, [(lamp.ProductId, 3)]);
        await api.PayAsync(order.OrderId, user.UserId);

        var overview = await ApiClient.ReadAsync<ECommerce.Api.Dashboard.OverviewDto>(await api.GetAsync("/dashboard/api/overview"), HttpStatusCode.OK);
        Assert.True(overview.TotalCalls >= callsBefore + 5, $"{overview.TotalCalls} calls after at least 5 more than {callsBefore}");
        var shown = await Eventually.WaitAsync(() => PageNumberAsync(browser, "#total-calls"), n => n >= overview.TotalCalls, PageTimeout,
            $"showing {overview.TotalCalls} calls");
        Assert.True(shown > callsBefore);
        var grainTable = await browser.TextAsync("#grain-types");
        Assert.Contains("order", grainTable, StringComparison.Ordinal);
        Assert.Contains("PayAsync", grainTable, StringComparison.Ordinal);

        await Eventually.WaitAsync(() => browser.TextAsync("#top-products"), text => text.Contains("Dashboard Lamp", StringComparison.Ordinal),
            PageTimeout, "ranking the paid product");
        Assert.Equal("true", await browser.EvaluateAsync("return String(document.querySelector('#top-products-na').hidden);"));

        await Eventually.WaitAsync(() => browser.EvaluateAsync("return String(window.Chart !== undefined && document.querySelectorAll('canvas').length);"),
            v => v == "3", PageTimeout, "drawing three charts");
        await browser.SaveScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard.png"));
    }

    private static async Task<long> PageNumberAsync(ChromeDriver browser, string selector)
    {
        var text = (await browser.TextAsync(selector)).Replace(",", "", StringComparison.Ordinal);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : -1;
    }
}
