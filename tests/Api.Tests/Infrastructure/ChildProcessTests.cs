namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>Base of the test classes that run the API as child processes (<see cref="ApiProcess"/>): one fresh
/// database for the class and a working directory for the processes, both removed afterwards.</summary>
public abstract class ChildProcessTests(TestDatabase database, string name) : IAsyncLifetime
{
    protected string WorkingDirectory { get; } = Path.Combine(Path.GetTempPath(), name, Guid.NewGuid().ToString("N"));

    /// <summary>The accounts of the class's database, for every process started over it.</summary>
    protected TestAccounts Accounts { get; } = new();

    /// <summary>The settings that select the class's database.</summary>
    protected IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkingDirectory);
        if (database.IsAvailable)
        {
            Settings = await database.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
