namespace ECommerce.Grains.Abstractions.Runtime;

/// <summary>Marker for every grain interface. Methods must return <see cref="Task"/>, <see cref="Task{T}"/>,
/// <see cref="ValueTask"/> or <see cref="ValueTask{T}"/>.</summary>
public interface IGrain;

public interface IGrainWithIntegerKey : IGrain;

public interface IGrainWithStringKey : IGrain;

/// <summary>Hands out references; a call on a reference runs as a turn on the single activation of (type, key).</summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(long primaryKey) where TGrain : IGrainWithIntegerKey;

    TGrain GetGrain<TGrain>(string primaryKey) where TGrain : IGrainWithStringKey;
}

/// <summary>Identity of one grain: its type name and its key (integer keys in invariant decimal form).</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public long GetIntegerKey() => long.Parse(Key, System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{Type}/{Key}";
}
