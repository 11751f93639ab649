using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>Orleans's serializer as grain storage uses it, with the product's types: what a state's stored bytes are and
/// what reads back from them.</summary>
internal static class StoredForm
{
    public static Serializer Serializer { get; } =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
}
