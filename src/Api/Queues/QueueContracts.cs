using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Queues;

/// <param name="AdmitPerInterval">Tokens admitted at each interval boundary, 1..100,000.</param>
/// <param name="Interval">Seconds between boundaries, 0.1..3600 (millisecond precision).</param>
/// <param name="AdmissionWindow">Seconds an admitted token stays valid, 1..86400.</param>
public sealed record QueueSettingsRequest(long? AdmitPerInterval, double? Interval, double? AdmissionWindow);

public sealed record QueueAdmissionResponse(DateTimeOffset At, int Count);

/// <param name="Admissions">One entry per boundary that admitted anyone, oldest first.</param>
public sealed record QueueResponse(string Kind, long Id, int AdmitPerInterval, double Interval, double AdmissionWindow,
    DateTimeOffset OpenedAt, int Tokens, int Admitted, IReadOnlyList<QueueAdmissionResponse> Admissions)
{
    public static QueueResponse From(QueueView view)
    {
        var admissions = new List<QueueAdmissionResponse>(view.Admissions.Count);
        var previous = 0;
        foreach (var batch in view.Admissions)
        {
            admissions.Add(new QueueAdmissionResponse(batch.At, batch.UpToPosition - previous));
            previous = batch.UpToPosition;
        }

        return new QueueResponse(view.Target.Key[..view.Target.Key.IndexOf(':', StringComparison.Ordinal)],
            view.Target.Id, view.Settings.AdmitPerInterval, view.Settings.Interval.TotalSeconds,
            view.Settings.AdmissionWindow.TotalSeconds, view.OpenedAt, view.Tokens, view.Admitted, admissions);
    }
}

public sealed record QueueTicketResponse(string Token, int Position);

/// <param name="Status">WAITING, ADMITTED or EXPIRED.</param>
/// <param name="Position">Arrival position in the room, from 1; it never changes.</param>
/// <param name="WaitingAhead">Tokens still waiting before this one (0 once admitted).</param>
/// <param name="AdmittedUntil">Set once admitted: the gate lets the token through until then.</param>
public sealed record QueueTokenResponse(string Token, string Status, int Position, int WaitingAhead,
    DateTimeOffset ArrivedAt, DateTimeOffset? AdmittedAt, DateTimeOffset? AdmittedUntil)
{
    public static QueueTokenResponse From(QueueTokenView view) =>
        new(view.Token, view.Status.ToWire(), view.Position, view.WaitingAhead, view.ArrivedAt, view.AdmittedAt,
            view.AdmittedUntil);
}
