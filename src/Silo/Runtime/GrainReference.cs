using System.Reflection;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Runtime;

/// <summary>The object behind a grain interface handed out by <see cref="IGrainFactory"/>: every call becomes a message.</summary>
public class GrainReference : DispatchProxy
{
    private SiloRuntime? _runtime;

    public GrainId GrainId { get; private set; }

    internal static TGrain Create<TGrain>(SiloRuntime runtime, GrainId grainId) where TGrain : IGrain
    {
        var proxy = DispatchProxy.Create<TGrain, GrainReference>();
        var reference = (GrainReference)(object)proxy;
        reference._runtime = runtime;
        reference.GrainId = grainId;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _runtime!.Invoke(GrainId, targetMethod!, args ?? []);

    public override string ToString() => $"GrainReference({GrainId})";
}
