using ECommerce.Bench.Load;
using ECommerce.Bench.Scenarios;

namespace ECommerce.Bench.Tests;

public sealed class SeveralUrlsTests
{
    [Fact]
    public void UrlsGivenCommaSeparatedOrRepeatedAreAllKeptInOrder()
    {
        var options = BenchOptions.Parse(["--url", "http://127.0.0.1:5001, http://127.0.0.1:5002/", "--url", "http://127.0.0.1:5003"]);

        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/", "http://127.0.0.1:5003/"],
            options.Urls.Select(url => url.ToString()));
    }

    [Fact]
    public void ItemIGoesToTheBackendIModTheirCountAndSetUpToTheFirst()
    {
        var urls = new[] { new Uri("http://127.0.0.1:5001/"), new Uri("http://127.0.0.1:5002/"), new Uri("http://127.0.0.1:5003/") };
        var recorder = new LoadRecorder();
        using var clients = new ApiClients(urls, 4, recorder, signsIn: true);
        var context = new ScenarioContext(clients.All, recorder, "run", 10, null, 4, CancellationToken.None);

        Assert.Equal("http://127.0.0.1:5001/api/v1/", context.Client.BaseAddress.ToString());
        Assert.Equal(
            ["5001", "5002", "5003", "5001", "5002"],
            Enumerable.Range(0, 5).Select(item => context.ForItem(item).Client.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
