using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.Bench.Baseline;

/// <summary>Seed 001's chosen design for a fair ratio: each request is one PostgreSQL transaction that takes
/// <c>SELECT ... FOR UPDATE</c> row locks on what it changes. Same routes and shapes as the project's API, for the
/// endpoints the coupon, wallet, order and flash-sale scenarios use.</summary>
internal static class BaselineServer
{
    /// <summary>args: --postgres &lt;connection string&gt; --urls &lt;url&gt;.</summary>
    public static async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var connectionString = builder.Configuration["postgres"]
            ?? throw new ArgumentException("serve-baseline needs --postgres <connection string>.");
        // The connection settings the project applies to its own PostgreSQL connections (prepared statements kept
        // across pool returns), unless the string sets them: the ratio compares the designs, not the drivers' defaults.
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (!keys.Contains("MAXAUTOPREPARE"))
        {
            settings.MaxAutoPrepare = 32;
        }

        if (!keys.Contains("NORESETONCLOSE"))
        {
            settings.NoResetOnClose = true;
        }

        builder.Services.AddSingleton(NpgsqlDataSource.Create(settings.ConnectionString));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        await BaselineSchema.CreateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), cancellationToken).ConfigureAwait(false);
        app.UseExceptionHandler();
        app.MapBaselineApi();
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A domain refusal: answered as ProblemDetails with a <c>code</c>, as the project's API does.</summary>
internal sealed class BaselineProblem(int status, string code) : Exception(code)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public IResult ToResult() => Results.Problem(statusCode: Status, title: Code, extensions: new Dictionary<string, object?> { ["code"] = Code });
}
