using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Runtime;

/// <summary>The grains waiting up the current call chain; a call to one of them would deadlock a non-reentrant grain.</summary>
internal sealed class CallChain(GrainId grainId, CallChain? caller)
{
    private static readonly AsyncLocal<CallChain?> CurrentChain = new();

    public static CallChain? Current
    {
        get => CurrentChain.Value;
        set => CurrentChain.Value = value;
    }

    public GrainId GrainId { get; } = grainId;

    public CallChain? Caller { get; } = caller;

    public bool Contains(GrainId grainId)
    {
        for (var link = this; link is not null; link = link.Caller)
        {
            if (link.GrainId == grainId)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString()
    {
        var names = new List<string>();
        for (var link = this; link is not null; link = link.Caller)
        {
            names.Add(link.GrainId.ToString());
        }

        names.Reverse();
        return string.Join(" -> ", names);
    }
}
