using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class WalletRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static UserState Wallet(long balance) =>
        new UserState().Register("kim", "kim@example.com", passwordHash: null, isAdmin: false, Now).Charge(balance, null, Now).State;

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_000_001)]
    public void ChargingOutsideOneToTenMillionIsAnInvalidAmount(long amount)
    {
        var error = Assert.Throws<DomainException>(() => new UserState().Charge(amount, null, Now));
        Assert.Equal(DomainErrors.InvalidAmount, error.Code);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void ChargingPastOneBillionIsRefusedAndUpToItIsAccepted()
    {
        var wallet = Wallet(10_000_000);
        for (var i = 0; i < 99; i++)
        {
            wallet = wallet.Charge(10_000_000, null, Now).State;
        }

        Assert.Equal(1_000_000_000, wallet.Balance);
        var error = Assert.Throws<DomainException>(() => wallet.Charge(1, null, Now));
        Assert.Equal(DomainErrors.BalanceLimitExceeded, error.Code);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void ARepeatedChargeRequestReturnsTheFirstOutcomeWithoutChargingAgain()
    {
        var first = Wallet(100).Charge(500, "req-1", Now);
        var repeat = first.State.Charge(500, "req-1", Now);

        Assert.True(first.Applied);
        Assert.False(repeat.Applied);
        Assert.Equal(600, repeat.State.Balance);
        Assert.Same(first.Entry, repeat.Entry);
    }

    [Fact]
    public void DebitingAnOrderTwiceTakesTheMoneyOnce()
    {
        var once = Wallet(1_000).Debit(orderId: 7, amount: 300, Now);
        var twice = once.State.Debit(orderId: 7, amount: 300, Now);

        Assert.False(twice.Applied);
        Assert.Equal(700, twice.State.Balance);
        Assert.Single(twice.State.History, e => e.Type == BalanceTransactionType.Use);
        Assert.Equal(700, twice.Entry!.BalanceAfter);
    }

    [Fact]
    public void ARefusedDebitIsNotRememberedSoTheOrderCanPayAfterACharge()
    {
        var wallet = Wallet(100);
        var error = Assert.Throws<DomainException>(() => wallet.Debit(7, 300, Now));
        Assert.Equal(DomainErrors.BalanceInsufficient, error.Code);

        var paid = wallet.Charge(200, null, Now).State.Debit(7, 300, Now);

        Assert.True(paid.Applied);
        Assert.Equal(0, paid.State.Balance);
    }

    [Fact]
    public void RefundGivesBackTheDebitOnceAndIsANoOpWithoutADebit()
    {
        var debited = Wallet(1_000).Debit(7, 300, Now).State;

        var refunded = debited.Refund(7, Now);
        var again = refunded.State.Refund(7, Now);
        var unknown = debited.Refund(8, Now);

        Assert.Equal(1_000, refunded.State.Balance);
        Assert.False(again.Applied);
        Assert.Equal(1_000, again.State.Balance);
        Assert.False(unknown.Applied);
    }

    [Theory]
    [InlineData("", "a@b.co")]
    [InlineData("kim", "not-an-email")]
    [InlineData("kim", "a@b")]
    [InlineData("kim", "a@@b.co")]
    public void RegistrationRejectsMissingNamesAndMalformedEmails(string name, string email)
    {
        var error = Assert.Throws<DomainException>(() => UserState.ValidateRegistration(name, email));
        Assert.Equal(DomainErrors.ValidationFailed, error.Code);
    }

    [Fact]
    public void RegistrationNormalizesTheEmail()
    {
        Assert.Equal(("Kim", "kim@example.com"), UserState.ValidateRegistration(" Kim ", " Kim@Example.COM "));
    }
}
