using System.Text.Json;

namespace ECommerce.Bench.Tests;

/// <summary>Runs the tool in-process, as `ECommerce.Bench` would from the command line, with small N.</summary>
internal sealed record SmokeRun(int ExitCode, string Output, string Errors, JsonElement Report)
{
    public static async Task<SmokeRun> RunAsync(params string[] args)
    {
        var json = Path.Combine(Path.GetTempPath(), "ecommerce-bench-tests", $"{Guid.NewGuid():N}.json");
        var output = new StringWriter();
        var errors = new StringWriter();
        var exitCode = await BenchCommand.RunAsync([.. args, "--json", json, "--no-progress"], output, errors, CancellationToken.None);
        Assert.True(File.Exists(json), $"no JSON results file; output:\n{output}\n{errors}");
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.Clone();
        File.Delete(json);
        return new SmokeRun(exitCode, output.ToString(), errors.ToString(), report);
    }

    public IEnumerable<JsonElement> Runs(string target) =>
        Report.GetProperty("runs").EnumerateArray().Where(run => run.GetProperty("target").GetString() == target);

    public IEnumerable<JsonElement> Measured(string target) =>
        Runs(target).Where(run => run.GetProperty("skipped").ValueKind == JsonValueKind.Null);

    public static IEnumerable<JsonElement> Invariants(JsonElement run) => run.GetProperty("invariants").EnumerateArray();
}
