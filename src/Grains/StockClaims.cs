namespace ECommerce.Grains;

/// <summary>A product's units set aside in memory for orders that passed the stock check and are storing their intent
/// (about one write's time) before they hold. Other orders' checks count these units as taken, so the last units of a
/// flash sale are not promised to more orders than can hold them: each such order wrote an intent and a reminder, then
/// was refused at the hold and had to undo both. Nothing here is stored and nothing depends on it for safety: the hold
/// decides, a claim is dropped when its order holds or releases, and it lapses by itself after
/// <see cref="Lifetime"/> (a crashed order's claim included). Not thread-safe: the product grain's turn owns it.</summary>
public sealed class StockClaims
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, OrderClaim> _byOrder = [];
    private readonly Dictionary<long, int> _byOption = [];
    private readonly Queue<(long OrderId, DateTimeOffset LapsesAt)> _lapsing = new();

    /// <summary>Units of the option claimed by live claims of orders other than <paramref name="except"/>.</summary>
    public int ClaimedOf(long optionId, DateTimeOffset now, long except = 0)
    {
        Lapse(now);
        var claimed = _byOption.GetValueOrDefault(optionId);
        return except != 0 && _byOrder.TryGetValue(except, out var own) ? claimed - own.Units.GetValueOrDefault(optionId) : claimed;
    }

    /// <summary>Claims the units for the order (option id to quantity), replacing what it claimed before.</summary>
    public void Claim(long orderId, IReadOnlyDictionary<long, int> units, DateTimeOffset now)
    {
        Lapse(now);
        Drop(orderId);
        var claim = new OrderClaim(new Dictionary<long, int>(units), now + Lifetime);
        _byOrder[orderId] = claim;
        foreach (var (optionId, quantity) in claim.Units)
        {
            _byOption[optionId] = _byOption.GetValueOrDefault(optionId) + quantity;
        }

        _lapsing.Enqueue((orderId, claim.LapsesAt));
    }

    /// <summary>The order now holds the option: its claim on that option goes (a refused hold's claim goes with the
    /// order's release).</summary>
    public void Take(long orderId, long optionId)
    {
        if (_byOrder.TryGetValue(orderId, out var claim) && claim.Units.Remove(optionId, out var quantity))
        {
            Subtract(optionId, quantity);
            if (claim.Units.Count == 0)
            {
                _byOrder.Remove(orderId);
            }
        }
    }

    /// <summary>Everything the order claimed goes.</summary>
    public void Drop(long orderId)
    {
        if (_byOrder.Remove(orderId, out var claim))
        {
            foreach (var (optionId, quantity) in claim.Units)
            {
                Subtract(optionId, quantity);
            }
        }
    }

    private void Lapse(DateTimeOffset now)
    {
        while (_lapsing.TryPeek(out var head) && head.LapsesAt <= now)
        {
            _lapsing.Dequeue();
            // A claim replaced since then lapses by its own entry, later in the queue.
            if (_byOrder.TryGetValue(head.OrderId, out var claim) && claim.LapsesAt == head.LapsesAt)
            {
                Drop(head.OrderId);
            }
        }
    }

    private void Subtract(long optionId, int quantity)
    {
        var left = _byOption.GetValueOrDefault(optionId) - quantity;
        if (left > 0)
        {
            _byOption[optionId] = left;
        }
        else
        {
            _byOption.Remove(optionId);
        }
    }

    private sealed record OrderClaim(Dictionary<long, int> Units, DateTimeOffset LapsesAt);
}
