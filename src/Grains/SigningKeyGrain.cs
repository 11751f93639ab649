using System.Security.Cryptography;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

[GenerateSerializer, Immutable]
public sealed record SigningKeyState
{
    [Id(0)]
    public byte[]? Key { get; init; }
}

public sealed class SigningKeyGrain([PersistentState("signing-key", GrainStorage.Name)] IPersistentState<SigningKeyState> state)
    : Grain, ISigningKeyGrain
{
    private readonly IPersistentState<SigningKeyState> _state = state;

    public async Task<byte[]> GetOrCreateAsync(int bytes)
    {
        if (_state.State.Key is { } stored)
        {
            return stored;
        }

        // Written with the state's etag: a second activation elsewhere that raced this one fails its write and its
        // caller's retry reads the winner's key.
        await _state.CommitAsync(new SigningKeyState { Key = RandomNumberGenerator.GetBytes(bytes) }, GrainContext);
        return _state.State.Key!;
    }
}
