namespace ECommerce.Silo.Hosting;

/// <summary>Where reminders are stored (<c>Reminders:Provider</c>).</summary>
public enum ReminderProvider
{
    /// <summary>Orleans's ADO.NET reminders in the database of <c>Storage:Provider</c>.</summary>
    Storage,

    /// <summary>Microsoft.Orleans.Reminders.Redis on <c>ConnectionStrings:Redis</c>.</summary>
    Redis,
}

/// <summary>Section <see cref="Section"/>.</summary>
public sealed class CommerceReminderOptions
{
    public const string Section = "Reminders";

    public ReminderProvider Provider { get; set; } = ReminderProvider.Storage;
}
