using ECommerce.Grains;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>A product's in-memory claims of orders being created: other orders see the units as taken until the claimant
/// holds, lets go, or the claim lapses.</summary>
public sealed class StockClaimRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AClaimCountsForEveryOtherOrderButNotForItsOwn()
    {
        var claims = new StockClaims();
        claims.Claim(1, new Dictionary<long, int> { [10] = 2, [11] = 1 }, Now);
        claims.Claim(2, new Dictionary<long, int> { [10] = 3 }, Now);

        Assert.Equal(5, claims.ClaimedOf(10, Now));
        Assert.Equal(3, claims.ClaimedOf(10, Now, except: 1));
        Assert.Equal(2, claims.ClaimedOf(10, Now, except: 2));
        Assert.Equal(1, claims.ClaimedOf(11, Now, except: 2));
        Assert.Equal(0, claims.ClaimedOf(12, Now));
    }

    [Fact]
    public void AHeldOptionLeavesTheClaimAndTheOrdersOtherOptionsStayClaimedUntilItLetsGo()
    {
        var claims = new StockClaims();
        claims.Claim(1, new Dictionary<long, int> { [10] = 2, [11] = 1 }, Now);

        claims.Take(1, 10);
        Assert.Equal((0, 1), (claims.ClaimedOf(10, Now), claims.ClaimedOf(11, Now)));

        claims.Drop(1);
        Assert.Equal((0, 0), (claims.ClaimedOf(10, Now), claims.ClaimedOf(11, Now)));
        claims.Drop(1);
        claims.Take(1, 11);
        Assert.Equal(0, claims.ClaimedOf(11, Now));
    }

    [Fact]
    public void AClaimAgainReplacesTheFirstAndLapsesOnlyAfterItsOwnLifetime()
    {
        var claims = new StockClaims();
        claims.Claim(1, new Dictionary<long, int> { [10] = 2 }, Now);
        var later = Now + StockClaims.Lifetime / 2;
        claims.Claim(1, new Dictionary<long, int> { [10] = 1 }, later);

        Assert.Equal(1, claims.ClaimedOf(10, later));
        // The first claim's lifetime is over; the one that replaced it still counts.
        Assert.Equal(1, claims.ClaimedOf(10, Now + StockClaims.Lifetime));
        Assert.Equal(1, claims.ClaimedOf(10, later + StockClaims.Lifetime - TimeSpan.FromTicks(1)));
        Assert.Equal(0, claims.ClaimedOf(10, later + StockClaims.Lifetime));
    }

    [Fact]
    public void ALapsedClaimOfACrashedOrderFreesItsUnits()
    {
        var claims = new StockClaims();
        claims.Claim(1, new Dictionary<long, int> { [10] = 4 }, Now);
        claims.Claim(2, new Dictionary<long, int> { [10] = 1 }, Now + TimeSpan.FromSeconds(1));

        Assert.Equal(1, claims.ClaimedOf(10, Now + StockClaims.Lifetime));
        claims.Take(1, 10);
        Assert.Equal(1, claims.ClaimedOf(10, Now + StockClaims.Lifetime));
    }
}
