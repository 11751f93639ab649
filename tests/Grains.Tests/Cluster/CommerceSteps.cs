using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Runtime;

namespace ECommerce.Grains.Tests.Cluster;

/// <summary>The steps tests are written in: fresh users, products and coupons through the grains, and outcomes as
/// error codes.</summary>
public static class CommerceSteps
{
    public const string Ok = "OK";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    public static Task<long> NextIdAsync(this IGrainFactory grains, string sequence) =>
        grains.GetGrain<IIdAllocatorGrain>(sequence).NextIdAsync();

    public static async Task<long> NewUserAsync(this IGrainFactory grains, long charge = 0)
    {
        var userId = await grains.NextIdAsync(IdSequences.User);
        var user = grains.GetGrain<IUserGrain>(userId);
        await user.RegisterAsync("user" + userId, $"{Guid.NewGuid():N}@example.com");
        if (charge > 0)
        {
            await user.ChargeAsync(charge);
        }

        return userId;
    }

    public static async Task<long> NewProductAsync(this IGrainFactory grains, long price, int stock)
    {
        var productId = await grains.NextIdAsync(IdSequences.Product);
        await grains.GetGrain<IProductGrain>(productId).CreateAsync("product" + productId, price, stock);
        return productId;
    }

    public static async Task<long> NewCouponAsync(this IGrainFactory grains, long discount, int quantity)
    {
        var couponId = await grains.NextIdAsync(IdSequences.Coupon);
        await grains.GetGrain<ICouponGrain>(couponId)
            .CreateAsync("coupon" + couponId, discount, quantity, DateTimeOffset.UtcNow.AddDays(1));
        return couponId;
    }

    public static async Task<(long OrderId, OrderSnapshot Order)> NewOrderAsync(this IGrainFactory grains, long userId,
        IReadOnlyList<OrderItemRequest> items, long? couponId = null)
    {
        var orderId = await grains.NextIdAsync(IdSequences.Order);
        return (orderId, await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(userId, items, couponId));
    }

    /// <summary><see cref="Ok"/>, or the code of the <see cref="DomainException"/> the call threw (anything else fails
    /// the test: a domain error that did not cross the grain boundary as itself is a bug).</summary>
    public static async Task<string> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return Ok;
        }
        catch (DomainException error)
        {
            return error.Code;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, for changes that happen on the silos' own schedule
    /// (reminders, the paid-orders stream); fails after a bounded wait.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {WaitLimit.TotalSeconds:0} s for {what}; last seen: {value}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The silos the grains' activations live on.</summary>
    public static async Task<int> SilosHostingAsync(this IGrainFactory grains, IEnumerable<IAddressable> activeGrains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var silos = new HashSet<SiloAddress>();
        foreach (var grain in activeGrains)
        {
            if (await management.GetActivationAddress(grain) is { } silo)
            {
                silos.Add(silo);
            }
        }

        return silos.Count;
    }
}
