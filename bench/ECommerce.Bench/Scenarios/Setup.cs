using System.Globalization;
using ECommerce.Bench.Load;

namespace ECommerce.Bench.Scenarios;

/// <summary>Set-up and read-back calls shared by the scenarios; none of them is timed.</summary>
internal static class Setup
{
    public static async Task<long[]> CreateUsersAsync(ScenarioContext context, string prefix, int count, long charge)
    {
        var ids = new long[count];
        await LoadRunner.ForEachAsync(count, context.Concurrency, async i =>
        {
            var email = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{context.RunId}-{i}@bench.example");
            var user = await context.Client.PostExpectingAsync("users",
                new { name = $"Bench {prefix} {i}", email, password = ApiClient.UserPassword }, 201, context.CancellationToken).ConfigureAwait(false);
            ids[i] = user.Long("userId");
            await context.Client.SignInAsync(ids[i], email, context.CancellationToken).ConfigureAwait(false);
            if (charge > 0)
            {
                await ChargeAsync(context, ids[i], charge).ConfigureAwait(false);
            }
        }, context.CancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Charges in steps of at most 10,000,000, the API's largest single charge.</summary>
    public static async Task ChargeAsync(ScenarioContext context, long userId, long amount)
    {
        for (var left = amount; left > 0; left -= 10_000_000)
        {
            await context.Client.PostExpectingAsync($"users/{userId}/balance/charge", new { amount = Math.Min(left, 10_000_000) }, 200,
                context.CancellationToken, asUser: userId).ConfigureAwait(false);
        }
    }

    public static async Task<long> CreateProductAsync(ScenarioContext context, string name, long price, int stock)
    {
        var product = await context.Client.PostExpectingAsync("products", new { name = $"{name} {context.RunId}", price, stock }, 201,
            context.CancellationToken).ConfigureAwait(false);
        return product.Long("productId");
    }

    public static async Task<long> CreateCouponAsync(ScenarioContext context, string name, long discountAmount, int totalQuantity)
    {
        var coupon = await context.Client.PostExpectingAsync("coupons", new
        {
            name = $"{name} {context.RunId}",
            discountAmount,
            totalQuantity,
            expiresAt = DateTimeOffset.UtcNow.AddDays(1),
        }, 201, context.CancellationToken).ConfigureAwait(false);
        return coupon.Long("couponId");
    }

    public static async Task<long> CreateOrderAsync(ScenarioContext context, long userId, long productId, int quantity)
    {
        var order = await context.Client.PostExpectingAsync("orders", new { userId, items = new[] { new { productId, quantity } } }, 201,
            context.CancellationToken, asUser: userId).ConfigureAwait(false);
        return order.Long("orderId");
    }

    public static async Task<long> BalanceAsync(ScenarioContext context, long userId) =>
        (await context.Client.GetExpectingAsync($"users/{userId}/balance", context.CancellationToken).ConfigureAwait(false)).Long("balance");

    public static async Task<long> StockAsync(ScenarioContext context, long productId) =>
        (await context.Client.GetExpectingAsync($"products/{productId}", context.CancellationToken).ConfigureAwait(false)).Long("stock");

    public static async Task<long> IssuedAsync(ScenarioContext context, long couponId) =>
        (await context.Client.GetExpectingAsync($"coupons/{couponId}", context.CancellationToken).ConfigureAwait(false)).Long("issuedQuantity");

    public static async Task<string> OrderStatusAsync(ScenarioContext context, long orderId) =>
        (await context.Client.GetExpectingAsync($"orders/{orderId}", context.CancellationToken).ConfigureAwait(false))
        .Json.GetProperty("status").GetString() ?? "";

    /// <summary>How many of <paramref name="userIds"/> hold exactly their expected balance.</summary>
    public static async Task<int> UsersWithBalanceAsync(ScenarioContext context, IReadOnlyList<long> userIds, Func<int, long> expected)
    {
        var exact = 0;
        await LoadRunner.ForEachAsync(userIds.Count, context.Concurrency, async i =>
        {
            if (await BalanceAsync(context, userIds[i]).ConfigureAwait(false) == expected(i))
            {
                Interlocked.Increment(ref exact);
            }
        }, context.CancellationToken).ConfigureAwait(false);
        return exact;
    }
}
