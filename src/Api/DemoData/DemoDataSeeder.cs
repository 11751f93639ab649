using ECommerce.Api.Identity;
using ECommerce.Api.Products;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ECommerce.Api.DemoData;

/// <summary>Section "DemoData".</summary>
public sealed class DemoDataOptions
{
    public bool Enabled { get; set; }
}

public static class DemoDataExtensions
{
    /// <summary>Seeds the demo catalog once the silo is active, when DemoData:Enabled is true.</summary>
    public static ISiloBuilder AddDemoData(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<DemoDataOptions>().BindConfiguration("DemoData");
        silo.AddStartupTask<DemoDataSeeder>();
        return silo;
    }
}

/// <summary>Seeds 20 products, one coupon of 100 and three funded users who sign in as <c>demo{i}@example.com</c> with
/// <see cref="Password"/>, once per database: every entity's id is
/// reserved under its own idempotency key and every grain step is idempotent, so a start-up that crashed half-way
/// finishes the same entities on the next start instead of adding new ones.</summary>
internal sealed class DemoDataSeeder(IGrainFactory grains, IOptions<DemoDataOptions> options, IPasswordHasher<Account> hasher,
    ILogger<DemoDataSeeder> logger) : IStartupTask
{
    private const string Version = "v1";

    /// <summary>Listed in the README: demo users are for trying the API, not for a shop with real money.</summary>
    public static string Password(int user) => $"demo-password-{user}";

    // Fixed, so a re-run after a crash creates exactly the same coupon.
    private static readonly DateTimeOffset CouponExpiry = new(2099, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public async Task Execute(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var done = grains.GetGrain<IIdempotencyGrain>($"demo-data:{Version}");
        if ((await done.BeginAsync(Version)).Outcome == IdempotencyOutcome.Completed)
        {
            return;
        }

        for (var i = 1; i < 20; i++)
        {
            var productId = await ReserveIdAsync($"product:{i}", IdSequences.Product);
            await ProductCreation.CreateAsync(grains, productId, $"Demo product {i:00}", price: i * 1_000, stock: 100);
        }

        // The last one has three options (sizes), each with its own price and stock.
        var sized = await ReserveIdAsync("product:20", IdSequences.Product);
        List<long> sizeIds = [await ReserveIdAsync("product:20:option:2", IdSequences.Product),
            await ReserveIdAsync("product:20:option:3", IdSequences.Product)];
        await ProductCreation.CreateAsync(grains, sized, "Demo product 20",
            [("S", 20_000, 100), ("M", 20_000, 100), ("L", 22_000, 50)], sizeIds);

        var couponId = await ReserveIdAsync("coupon:1", IdSequences.Coupon);
        await grains.GetGrain<ICouponGrain>(couponId).CreateAsync("Welcome coupon", 3_000, 100, CouponExpiry);

        for (var i = 1; i <= 3; i++)
        {
            var userId = await ReserveIdAsync($"user:{i}", IdSequences.User);
            var user = grains.GetGrain<IUserGrain>(userId);
            await user.RegisterAsync($"Demo user {i}", $"demo{i}@example.com", hasher.HashPassword(Account.Any, Password(i)));
            await user.ChargeAsync(i * 100_000, requestId: $"demo-data:charge:{i}");
        }

        await done.CompleteAsync(Version, new IdempotentResponse(StatusCodes.Status200OK, "{}"));
        logger.LogInformation("Demo data seeded: 20 products, coupon {CouponId}, 3 users", couponId);
    }

    private async Task<long> ReserveIdAsync(string entity, string sequence)
    {
        var key = grains.GetGrain<IIdempotencyGrain>($"demo-data:{Version}:{entity}");
        var ticket = await key.BeginAsync(Version, sequence);
        return ticket.ReservedId ?? throw new InvalidOperationException($"No id was reserved for demo {entity}.");
    }
}
