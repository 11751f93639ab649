using ECommerce.Grains;
using Orleans;
using Orleans.Runtime;

namespace ECommerce.Silo.Tests.Orleans;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<CounterState> GetAsync();

    Task ClearAsync();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }

    [Id(1)]
    public string Note { get; set; } = "fresh";
}

public sealed class CounterGrain([PersistentState("counter", GrainStorage.Name)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    public async Task<int> AddAsync(int amount)
    {
        state.State.Value += amount;
        state.State.Note = "written";
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<CounterState> GetAsync() => Task.FromResult(state.State);

    public Task ClearAsync() => state.ClearStateAsync();
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task UnregisterAsync(string name);

    Task<bool> IsRegisteredAsync(string name);

    /// <summary>Ticks this activation has received.</summary>
    Task<int> TicksAsync(string name);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private readonly Dictionary<string, int> _ticks = [];

    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"No reminder {name}.");
        await this.UnregisterReminder(reminder);
    }

    public async Task<bool> IsRegisteredAsync(string name) => await this.GetReminder(name) is not null;

    public Task<int> TicksAsync(string name) => Task.FromResult(_ticks.GetValueOrDefault(name));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks[reminderName] = _ticks.GetValueOrDefault(reminderName) + 1;
        return Task.CompletedTask;
    }
}
