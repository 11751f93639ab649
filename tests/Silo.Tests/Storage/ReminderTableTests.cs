using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Tests.Storage;

public sealed class SqliteReminderTableTests(SqliteStorageFixture fixture)
    : ReminderTableTests(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresPostgres]
public sealed class PostgresReminderTableTests(PostgresStorageFixture fixture)
    : ReminderTableTests(fixture), IClassFixture<PostgresStorageFixture>;

public abstract class ReminderTableTests(StorageFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private IReminderTable Reminders => fixture.Services.GetRequiredService<IReminderTable>();

    private static GrainId NewGrain() => new("test-reminder", Guid.NewGuid().ToString("N"));

    private async Task<IReadOnlyList<ReminderEntry>> DueForAsync(GrainId grain, DateTimeOffset now) =>
        (await Reminders.GetDueAsync(now, 1000, None)).Where(entry => entry.GrainId == grain).ToList();

    [StorageFact]
    public async Task AReminderIsDueOnlyOnceItsNextDueTimeHasPassed()
    {
        var grain = NewGrain();
        var entry = new ReminderEntry(grain, "tick", Start, Period, Start.AddSeconds(30));

        await Reminders.UpsertAsync(entry, None);

        Assert.Empty(await DueForAsync(grain, Start.AddSeconds(29)));
        Assert.Equal([entry], await DueForAsync(grain, Start.AddSeconds(30)));
        Assert.Equal([entry], await DueForAsync(grain, Start.AddHours(1)));
    }

    [StorageFact]
    public async Task DueRemindersComeEarliestFirstAndAreLimitedToMax()
    {
        var grain = NewGrain();
        var late = new ReminderEntry(grain, "late", Start, Period, Start.AddSeconds(-10));
        var early = new ReminderEntry(grain, "early", Start, Period, Start.AddYears(-20));
        await Reminders.UpsertAsync(late, None);
        await Reminders.UpsertAsync(early, None);

        // Nothing else in this class is due twenty years before Start.
        Assert.Equal([early], await Reminders.GetDueAsync(Start.AddYears(-20), 1, None));
        Assert.Equal([early, late], await DueForAsync(grain, Start));
    }

    [StorageFact]
    public async Task UpsertingAnExistingReminderReplacesItsSchedule()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(new ReminderEntry(grain, "tick", Start, Period, Start), None);
        var count = await Reminders.CountAsync(None);
        var replaced = new ReminderEntry(grain, "tick", Start.AddDays(1), TimeSpan.FromHours(2), Start.AddDays(1));

        await Reminders.UpsertAsync(replaced, None);

        Assert.Equal(count, await Reminders.CountAsync(None));
        Assert.Empty(await DueForAsync(grain, Start));
        Assert.Equal([replaced], await DueForAsync(grain, Start.AddDays(1)));
    }

    [StorageFact]
    public async Task ARemovedReminderIsNeitherDueNorCounted()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(new ReminderEntry(grain, "tick", Start, Period, Start), None);
        var count = await Reminders.CountAsync(None);

        await Reminders.RemoveAsync(grain, "tick", None);

        Assert.Equal(count - 1, await Reminders.CountAsync(None));
        Assert.Empty(await DueForAsync(grain, Start.AddDays(1)));
    }

    [StorageFact]
    public async Task AdvancingMovesTheNextDueTimeOnlyFromTheExpectedOne()
    {
        var grain = NewGrain();
        var entry = new ReminderEntry(grain, "tick", Start, Period, Start);
        await Reminders.UpsertAsync(entry, None);

        Assert.True(await Reminders.TryAdvanceAsync(entry, Start + Period, None));
        Assert.False(await Reminders.TryAdvanceAsync(entry, Start + Period + Period, None));

        Assert.Equal([entry with { NextDueAt = Start + Period }], await DueForAsync(grain, Start.AddDays(1)));
    }

    [StorageFact]
    public async Task ExactlyOneOfTwoRuntimesAdvancingTheSameTickConcurrentlyWins()
    {
        const int Ticks = 20;
        var grain = NewGrain();
        IReminderTable[] runtimes =
        [
            fixture.CreateServices().GetRequiredService<IReminderTable>(),
            fixture.CreateServices().GetRequiredService<IReminderTable>(),
        ];
        var entry = new ReminderEntry(grain, "tick", Start, Period, Start);
        await Reminders.UpsertAsync(entry, None);

        for (var tick = 0; tick < Ticks; tick++)
        {
            var next = entry.NextDueAt + Period;
            var current = entry;
            var won = await Task.WhenAll(runtimes.Select(table => Task.Run(() => table.TryAdvanceAsync(current, next, None))));

            Assert.Equal(1, won.Count(advanced => advanced));
            entry = entry with { NextDueAt = next };
        }

        Assert.Equal([entry], await DueForAsync(grain, Start.AddDays(1)));
        Assert.Equal(Start + Ticks * Period, entry.NextDueAt);
    }
}
