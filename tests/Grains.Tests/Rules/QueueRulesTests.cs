using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>The waiting room's admission rule on its state alone, with times given by hand.</summary>
public sealed class QueueRulesTests
{
    private static readonly DateTimeOffset Opened = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly QueueSettings ThreeEveryTenSeconds = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    private static QueueState Room(int tokens, TimeSpan? apart = null)
    {
        var room = QueueState.Closed.Open(ThreeEveryTenSeconds, Opened);
        for (var i = 0; i < tokens; i++)
        {
            room = room.Join(new QueueEntry($"t{i + 1}", i + 1, Opened + (apart ?? TimeSpan.FromMilliseconds(1)) * (i + 1)));
        }

        return room;
    }

    private static string CodeOf(Action action) => Assert.Throws<DomainException>(action).Code;

    [Fact]
    public void EachBoundaryAdmitsAtMostNInArrivalOrder()
    {
        var room = Room(8);

        Assert.Equal(0, room.CatchUp(Opened.AddSeconds(9.999)).Admitted);
        var first = room.CatchUp(Opened.AddSeconds(10));
        Assert.Equal(3, first.Admitted);
        var third = first.CatchUp(Opened.AddSeconds(35));
        Assert.Equal(8, third.Admitted);
        Assert.Equal([new QueueAdmission(Opened.AddSeconds(10), 3), new QueueAdmission(Opened.AddSeconds(20), 6),
            new QueueAdmission(Opened.AddSeconds(30), 8)], third.Admissions);
        Assert.Equal(Opened.AddSeconds(10), third.AdmittedAt(1));
        Assert.Equal(Opened.AddSeconds(10), third.AdmittedAt(3));
        Assert.Equal(Opened.AddSeconds(20), third.AdmittedAt(4));
        Assert.Equal(Opened.AddSeconds(30), third.AdmittedAt(8));
    }

    [Fact]
    public void CatchingUpLateDecidesWhatEachBoundaryWouldHaveOnTime()
    {
        var room = Room(8);

        var onTime = room.CatchUp(Opened.AddSeconds(10)).CatchUp(Opened.AddSeconds(20)).CatchUp(Opened.AddSeconds(30));
        var late = room.CatchUp(Opened.AddMinutes(5));

        Assert.Equal(onTime.Admissions, late.Admissions);
        Assert.Same(late, late.CatchUp(Opened.AddMinutes(6)));
    }

    [Fact]
    public void ATokenArrivingAfterABoundaryWaitsForTheNextOneEvenWhenTheBoundaryHadRoom()
    {
        var room = Room(1).CatchUp(Opened.AddSeconds(10));
        Assert.Equal(1, room.Admitted);

        // Arrives exactly on the boundary of 20 s, then one after it: neither arrived before 20 s.
        room = room.Join(new QueueEntry("late", 50, Opened.AddSeconds(20)));
        room = room.Join(new QueueEntry("later", 51, Opened.AddSeconds(25)));
        var caughtUp = room.CatchUp(Opened.AddSeconds(29));

        Assert.Equal(1, caughtUp.Admitted);
        Assert.Equal(3, caughtUp.CatchUp(Opened.AddSeconds(30)).Admitted);
        Assert.Equal(Opened.AddSeconds(30), caughtUp.CatchUp(Opened.AddSeconds(30)).AdmittedAt(2));
    }

    [Fact]
    public void AnIdleBoundaryAdmitsNothingAndIsNotReplayedLater()
    {
        // Nobody for a minute, then seven tokens: they are admitted from the first boundary after they arrived.
        var room = QueueState.Closed.Open(ThreeEveryTenSeconds, Opened).CatchUp(Opened.AddMinutes(1));
        for (var i = 0; i < 7; i++)
        {
            room = room.Join(new QueueEntry($"t{i}", i + 1, Opened.AddSeconds(61 + i)));
        }

        var caughtUp = room.CatchUp(Opened.AddSeconds(90));

        Assert.Equal([new QueueAdmission(Opened.AddSeconds(70), 3), new QueueAdmission(Opened.AddSeconds(80), 6),
            new QueueAdmission(Opened.AddSeconds(90), 7)], caughtUp.Admissions);
    }

    [Fact]
    public void AnAdmittedTokenExpiresAfterItsWindowAndAWaitingOneNever()
    {
        var room = Room(4).CatchUp(Opened.AddSeconds(10));

        Assert.Equal(QueueTokenStatus.Admitted, room.ViewOf(1, Opened.AddSeconds(39.999)).Status);
        Assert.Equal(Opened.AddSeconds(40), room.ViewOf(1, Opened.AddSeconds(39)).AdmittedUntil);
        Assert.Equal(QueueTokenStatus.Expired, room.ViewOf(1, Opened.AddSeconds(40)).Status);
        var waiting = room.ViewOf(4, Opened.AddSeconds(15));
        Assert.Equal((QueueTokenStatus.Waiting, 4, 0, null), (waiting.Status, waiting.Position, waiting.WaitingAhead, waiting.AdmittedUntil));
    }

    [Fact]
    public void NewSettingsKeepWhatWasAdmittedAndCountIntervalsFromTheChange()
    {
        var room = Room(10).CatchUp(Opened.AddSeconds(15));
        Assert.Equal(3, room.Admitted);

        var changed = room.Open(new QueueSettings(5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)), Opened.AddSeconds(21));

        // The old settings' boundary at 20 s still counted (6 admitted); then five at 23 s.
        Assert.Equal(6, changed.Admitted);
        Assert.Equal(6, changed.CatchUp(Opened.AddSeconds(22.9)).Admitted);
        Assert.Equal(10, changed.CatchUp(Opened.AddSeconds(23)).Admitted);
    }

    [Fact]
    public void TheSameSettingsAgainKeepTheIntervalsWhereTheyWere()
    {
        var room = Room(10).CatchUp(Opened.AddSeconds(15));

        var repeated = room.Open(ThreeEveryTenSeconds, Opened.AddSeconds(19));

        // Still the boundaries of the first PUT: three more at 20 s, not at 29 s.
        Assert.Equal(room.Epoch, repeated.Epoch);
        Assert.Equal(6, repeated.CatchUp(Opened.AddSeconds(20)).Admitted);
    }

    [Fact]
    public void ClockSteppingBackNeverPutsALaterTokenBeforeAnEarlierOne()
    {
        var room = Room(2, apart: TimeSpan.FromSeconds(4)).Join(new QueueEntry("back", 9, Opened.AddSeconds(1)));

        Assert.Equal(Opened.AddSeconds(8), room.Entries[2].ArrivedAt);
    }

    [Fact]
    public void SettingsOutOfBoundsAreRefused()
    {
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf(() => QueueState.Closed.Open(ThreeEveryTenSeconds with { AdmitPerInterval = 0 }, Opened)));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf(() => QueueState.Closed.Open(ThreeEveryTenSeconds with { Interval = TimeSpan.FromMilliseconds(99) }, Opened)));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf(() => QueueState.Closed.Open(ThreeEveryTenSeconds with { Interval = TimeSpan.FromHours(2) }, Opened)));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf(() => QueueState.Closed.Open(ThreeEveryTenSeconds with { AdmissionWindow = TimeSpan.Zero }, Opened)));
    }
}
