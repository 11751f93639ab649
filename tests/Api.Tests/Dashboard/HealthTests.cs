using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ECommerce.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

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
    public async Task ReadyIsUnavailableWhileTheConfiguredRabbitMqDoesNotAnswer()
    {
        var closedPort = FreePort();
        using var app = WithRabbitMq($"amqp://guest:guest@127.0.0.1:{closedPort}");
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task ReadyIsHealthyWhenTheConfiguredRabbitMqAnswersTheAmqpHandshake()
    {
        using var broker = new TcpListener(IPAddress.Loopback, 0);
        broker.Start();
        var answered = AnswerOneHandshakeAsync(broker);
        using var app = WithRabbitMq($"amqp://guest:guest@127.0.0.1:{((IPEndPoint)broker.LocalEndpoint).Port}");

        var ready = await app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("AMQP\0\0\u0009\u0001", await answered);
    }

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithRabbitMq(string connectionString) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(configuration =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = connectionString })));

    /// <summary>Reads the 8-byte protocol header and answers with the first byte of a method frame, as a broker does.</summary>
    private static async Task<string> AnswerOneHandshakeAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var header = new byte[8];
        await stream.ReadExactlyAsync(header);
        await stream.WriteAsync(new byte[] { 1, 0, 0 });
        return System.Text.Encoding.ASCII.GetString(header);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
