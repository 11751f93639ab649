namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>The key the API signs its tokens with when none is configured: made once and stored, so every node on
/// one database signs and validates with the same key and tokens survive a restart. Keyed by <see cref="Key"/>.</summary>
public interface ISigningKeyGrain : IGrainWithStringKey
{
    public const string Key = "access-tokens";

    /// <summary>The stored key, or a new random one of <paramref name="bytes"/> bytes, written before it is returned.</summary>
    Task<byte[]> GetOrCreateAsync(int bytes);
}
