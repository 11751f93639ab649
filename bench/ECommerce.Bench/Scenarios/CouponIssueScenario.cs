namespace ECommerce.Bench.Scenarios;

/// <summary>Seed 001 test 1: N users issue one first-come coupon of S at once (default 100 of 100).</summary>
internal sealed class CouponIssueScenario : Scenario
{
    private long[] _users = [];
    private long _couponId;

    public override string Name => "coupon-issue";

    public override string Description => "N users each POST /coupons/{id}/issue once on one coupon of S";

    public override int DefaultUsers => 100;

    private static int Quantity(ScenarioContext context) => context.Stock ?? 100;

    public override long PlannedRequests(ScenarioContext context) => context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "coupon", context.Users, 0).ConfigureAwait(false);
        _couponId = await Setup.CreateCouponAsync(context, "First come", 1_000, Quantity(context)).ConfigureAwait(false);
    }

    public override int Items(ScenarioContext context) => _users.Length;

    public override Task RunItemAsync(ScenarioContext context, int item) =>
        context.Client.PostAsync($"coupons/{_couponId}/issue", new { userId = _users[item] }, "issue", context.CancellationToken, asUser: _users[item]);

    public override long Unexpected(Load.LoadRecorder recorder) => Others(recorder, new Dictionary<string, int[]> { ["issue"] = [201, 409] });

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var issued = Math.Min(context.Users, Quantity(context));
        return
        [
            Invariant.Equal("coupon issuedQuantity == min(N,S)", issued, await Setup.IssuedAsync(context, _couponId).ConfigureAwait(false)),
            Invariant.Equal("issue answered 201 == min(N,S)", issued, context.Recorder.Count("issue", 201)),
            Invariant.Equal("issue answered 409 COUPON_SOLD_OUT == N - min(N,S)", context.Users - issued, context.Recorder.Count("issue", 409)),
        ];
    }
}
