using System.Collections.Concurrent;
using System.Globalization;
using ECommerce.Bench.Reporting;

namespace ECommerce.Bench.Scenarios;

/// <summary>Issue 14.5: a coupon of S (default 1,000) behind a waiting room that admits N/10 users a second; N users
/// (default 10,000) take a token at once (the timed load), then each polls until admitted and issues the coupon with
/// its token. Polls sleep until the user's estimated boundary, so a waiting user costs two or three polls.</summary>
internal sealed class WaitingRoomScenario : Scenario
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AdmissionWindow = TimeSpan.FromMinutes(10);

    private long[] _users = [];
    private long _couponId;
    private long _stranger;
    private int _perInterval;
    private readonly ConcurrentBag<Task> _followUps = [];
    private readonly ConcurrentDictionary<int, Ticket> _tickets = new();
    private readonly ConcurrentBag<double> _observedMs = [];
    private int _noTokenRefused = -1;

    // Polls and issues run after the timed token requests, so they are counted here, not by the recorder: its req/s is
    // then the token requests' alone.
    private readonly ConcurrentDictionary<(string Step, int Status), int> _followUpAnswers = new();

    private sealed record Ticket(string Token, int Position, DateTimeOffset ArrivedAt, DateTimeOffset AdmittedAt);

    public override string Name => "waiting-room";

    public override string Description =>
        "N users POST /queues/coupons/{id}/tokens at once (timed); then poll GET .../tokens/{token} and issue with Queue-Token once admitted";

    public override int DefaultUsers => 10_000;

    public override bool RunsOnBaseline => false;

    /// <summary>Token requests in flight at once (and HTTP connections); a user's polls and issue do not hold a slot.</summary>
    public override int DefaultConcurrency(int users) => Math.Min(users, 500);

    private static int Stock(ScenarioContext context) => context.Stock ?? 1_000;

    public override long PlannedRequests(ScenarioContext context) => context.Users;

    public override async Task SetupAsync(ScenarioContext context)
    {
        _users = await Setup.CreateUsersAsync(context, "queue", context.Users, 0).ConfigureAwait(false);
        _stranger = (await Setup.CreateUsersAsync(context, "queue-stranger", 1, 0).ConfigureAwait(false))[0];
        _couponId = await Setup.CreateCouponAsync(context, "Queued coupon", 1_000, Stock(context)).ConfigureAwait(false);
        _perInterval = Math.Max(1, context.Users / 10);
        var opened = await context.Client.SendWithHeadersAsync(HttpMethod.Put, $"admin/queues/coupons/{_couponId}",
            new { admitPerInterval = _perInterval, interval = Interval.TotalSeconds, admissionWindow = AdmissionWindow.TotalSeconds },
            new Dictionary<string, string>(), cancellationToken: context.CancellationToken).ConfigureAwait(false);
        if (opened.Status == 404 && opened.Code is null or "NOT_FOUND")
        {
            throw new ScenarioSkippedException("the server has no waiting rooms (PUT /api/v1/admin/queues/... is 404)");
        }

        if (opened.Status != 200)
        {
            throw new Load.UnexpectedResponseException($"PUT /api/v1/admin/queues/coupons/{_couponId}", opened);
        }
    }

    public override int Items(ScenarioContext context) => _users.Length;

    /// <summary>The timed part is the token request; the user's polls and issue go on after it, beside the other users'
    /// token requests, and are awaited by <see cref="ObserveAsync"/>.</summary>
    public override async Task RunItemAsync(ScenarioContext context, int item)
    {
        var userId = _users[item];
        var taken = await context.Client.PostAsync($"queues/coupons/{_couponId}/tokens", new { }, "token", context.CancellationToken, asUser: userId)
            .ConfigureAwait(false);
        if (taken.Status == 201)
        {
            var token = taken.Json.GetProperty("token").GetString()!;
            _followUps.Add(FollowUpAsync(context, item, userId, token, DateTimeOffset.UtcNow));
        }
    }

    private async Task FollowUpAsync(ScenarioContext context, int item, long userId, string token, DateTimeOffset tokenAnswered)
    {
        var path = $"queues/coupons/{_couponId}/tokens/{token}";
        while (true)
        {
            var poll = await context.Client.GetAsync(path, null, context.CancellationToken, asUser: userId).ConfigureAwait(false);
            _followUpAnswers.AddOrUpdate(("poll", poll.Status), 1, (_, n) => n + 1);
            if (poll.Status != 200)
            {
                return;
            }

            var json = poll.Json;
            var status = json.GetProperty("status").GetString();
            if (status != "WAITING")
            {
                _observedMs.Add((DateTimeOffset.UtcNow - tokenAnswered).TotalMilliseconds);
                _tickets[item] = new Ticket(token, json.GetProperty("position").GetInt32(),
                    json.GetProperty("arrivedAt").GetDateTimeOffset(), json.GetProperty("admittedAt").GetDateTimeOffset());
                break;
            }

            // Sleep until about the boundary that should admit this user, then poll in quarter intervals.
            var boundariesAhead = json.GetProperty("waitingAhead").GetInt32() / _perInterval;
            await Task.Delay(Interval * boundariesAhead + Interval / 4, context.CancellationToken).ConfigureAwait(false);
        }

        var issue = await context.Client.SendWithHeadersAsync(HttpMethod.Post, $"coupons/{_couponId}/issue", new { userId },
            new Dictionary<string, string> { ["Queue-Token"] = token }, null, context.CancellationToken, asUser: userId).ConfigureAwait(false);
        _followUpAnswers.AddOrUpdate(("issue", issue.Status), 1, (_, n) => n + 1);
    }

    public override async Task<IReadOnlyList<Measurement>> ObserveAsync(ScenarioContext context, Task load)
    {
        try
        {
            await load.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The load's own failure is reported by the runner.
        }

        await Task.WhenAll(_followUps).ConfigureAwait(false);
        var server = _tickets.Values.Select(t => (t.AdmittedAt - t.ArrivedAt).TotalMilliseconds).ToArray();
        return
        [
            new Measurement("token_to_admitted_server", server.Length, server.Length == 0 ? null : LatencySummary.Of(server),
                "admittedAt - arrivedAt as the room answered (whole intervals by design)"),
            new Measurement("token_to_admitted_observed", _observedMs.Count, _observedMs.IsEmpty ? null : LatencySummary.Of([.. _observedMs]),
                "token answer to the first poll answering ADMITTED"),
            new Measurement("follow_up_answers", _followUpAnswers.Values.Sum(), null,
                string.Join(", ", _followUpAnswers.OrderBy(a => a.Key).Select(a => string.Create(CultureInfo.InvariantCulture,
                    $"{a.Key.Step} {a.Key.Status}={a.Value}")))),
        ];
    }

    public override long Unexpected(Load.LoadRecorder recorder) =>
        Others(recorder, new Dictionary<string, int[]> { ["token"] = [201] })
        + _followUpAnswers.Where(a => !(a.Key is ("poll", 200) or ("issue", 201) or ("issue", 409))).Sum(a => (long)a.Value);

    private int FollowUps(string step, int status) => _followUpAnswers.TryGetValue((step, status), out var count) ? count : 0;

    public override async Task<IReadOnlyList<Invariant>> VerifyAsync(ScenarioContext context)
    {
        var room = (await context.Client.GetExpectingAsync($"admin/queues/coupons/{_couponId}", context.CancellationToken).ConfigureAwait(false)).Json;
        var admitted = room.GetProperty("admitted").GetInt32();
        var batches = room.GetProperty("admissions").EnumerateArray()
            .Select(a => (At: a.GetProperty("at").GetDateTimeOffset(), Count: a.GetProperty("count").GetInt32())).ToList();
        var byPosition = _tickets.Values.OrderBy(t => t.Position).ToList();
        var inOrder = byPosition.Zip(byPosition.Skip(1)).Count(pair => pair.First.AdmittedAt > pair.Second.AdmittedAt);
        var issued = Math.Min(Stock(context), admitted);

        // The gate, once, untimed: a user without a token is refused while the room is on.
        var refused = await context.Client.PostAsync($"coupons/{_couponId}/issue", new { userId = _stranger }, null, context.CancellationToken,
            asUser: _stranger).ConfigureAwait(false);
        _noTokenRefused = refused.Status == 403 && refused.Code == "QUEUE_TOKEN_REQUIRED" ? 1 : 0;
        var closed = await context.Client.SendWithHeadersAsync(HttpMethod.Delete, $"admin/queues/coupons/{_couponId}", null,
            new Dictionary<string, string>(), cancellationToken: context.CancellationToken).ConfigureAwait(false);

        return
        [
            Invariant.Equal("token answered 201 == N", context.Users, context.Recorder.Count("token", 201)),
            Invariant.Equal("distinct positions 1..N", context.Users,
                byPosition.Select(t => t.Position).Distinct().Count(p => p >= 1 && p <= context.Users)),
            Invariant.Equal("room tokens == N", context.Users, room.GetProperty("tokens").GetInt32()),
            Invariant.Equal("room admitted == N", context.Users, admitted),
            Invariant.Equal(string.Create(CultureInfo.InvariantCulture, $"boundaries admitting more than {_perInterval}"), 0,
                batches.Count(b => b.Count > _perInterval)),
            Invariant.Equal("admitted out of arrival order (later position admitted earlier)", 0, inOrder),
            Invariant.Equal("coupon issuedQuantity == min(S, admitted)", issued, await Setup.IssuedAsync(context, _couponId).ConfigureAwait(false)),
            Invariant.Equal("issue answered 201 == min(S, admitted)", issued, FollowUps("issue", 201)),
            Invariant.Equal("issue answered 409 == admitted - min(S, admitted)", admitted - issued, FollowUps("issue", 409)),
            Invariant.Equal("issue without Queue-Token answered 403 QUEUE_TOKEN_REQUIRED", 1, _noTokenRefused),
            Invariant.Equal("DELETE answered 204", 204, closed.Status),
        ];
    }
}
