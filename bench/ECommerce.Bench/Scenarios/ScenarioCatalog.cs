namespace ECommerce.Bench.Scenarios;

internal static class ScenarioCatalog
{
    private static readonly Dictionary<string, Func<Scenario>> Factories = new(StringComparer.Ordinal)
    {
        ["coupon-issue"] = () => new CouponIssueScenario(),
        ["order-payment"] = () => new OrderPaymentScenario(),
        ["wallet-charge-use"] = () => new WalletChargeUseScenario(),
        ["top-products"] = () => new TopProductsScenario(),
        ["full-flow"] = () => new FullFlowScenario(),
        ["flash-sale"] = () => new FlashSaleScenario(),
        ["waiting-room"] = () => new WaitingRoomScenario(),
        ["search"] = () => new SearchScenario(),
        ["cart-checkout"] = () => new CartCheckoutScenario(),
    };

    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    /// <summary>A fresh instance: scenarios keep the ids their set-up created.</summary>
    public static Scenario Create(string name) => Factories[name]();
}
