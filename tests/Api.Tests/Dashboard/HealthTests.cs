using System.Net;
using System.Text.Json;
using ECommerce.Api.Tests.Infrastructure;

namespace ECommerce.Api.Tests.Dashboard;

public sealed class HealthTests(SqliteApi factory) : IClassFixture<SqliteApi>
{
    [Fact]
    public async Task LiveAndReadyAnswerHealthyWhenStorageAnswers()
    {
        var client = factory.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("storage").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadyCarriesTheStreamAndIsHealthyWhileNoConsumerIsStuck()
    {
        var ready = await factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var stream = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("stream");
        Assert.Equal("Healthy", stream.GetProperty("status").GetString());
        Assert.Contains("data platform dead letters", stream.GetProperty("description").GetString());
    }
}
