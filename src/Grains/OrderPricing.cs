using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

public sealed record OrderPrice(IReadOnlyList<OrderLine> Lines, long TotalPrice, long DiscountAmount, long PayAmount);

/// <summary>Pure order rules: what a valid order request is, and what it costs from server-side prices.</summary>
public static class OrderPricing
{
    public static void ValidateItems(IReadOnlyList<OrderItemRequest>? items)
    {
        if (items is null || items.Count is 0 or > IOrderGrain.MaxLines)
        {
            throw DomainErrors.Validation($"An order needs 1..{IOrderGrain.MaxLines} lines.");
        }

        if (items.Any(i => i.ProductId <= 0))
        {
            throw DomainErrors.Validation("productId must be positive.");
        }

        if (items.Any(i => i.Quantity is < 1 or > IOrderGrain.MaxQuantity))
        {
            throw DomainErrors.Validation($"quantity must be 1..{IOrderGrain.MaxQuantity}.");
        }

        if (items.Any(i => i.OptionId < 0))
        {
            throw DomainErrors.Validation("optionId must be positive when given.");
        }

        // An option appears in one line only; a line without optionId stands for its product's only option, so that
        // product may not appear again.
        if (items.Select(i => (i.ProductId, i.OptionId)).Distinct().Count() != items.Count
            || items.Where(i => i.OptionId == 0).Any(i => items.Count(other => other.ProductId == i.ProductId) > 1))
        {
            throw DomainErrors.Validation("Each product option may appear in one line only.");
        }
    }

    /// <summary>Prices the reserved lines; the coupon's discount is capped at the total, so nothing is paid below 0.</summary>
    public static OrderPrice Price(IReadOnlyList<ReservedLine> reserved, long couponDiscount)
    {
        if (couponDiscount < 0)
        {
            throw DomainErrors.Validation("A discount cannot be negative.");
        }

        var lines = reserved
            .Select(r => new OrderLine(r.ProductId, r.Name, r.Quantity, r.UnitPrice, checked(r.UnitPrice * r.Quantity), r.OptionId,
                r.OptionName))
            .ToList();
        var total = lines.Sum(l => l.LineTotal);
        var discount = Math.Min(couponDiscount, total);
        if (total - discount > UserState.MaxBalance)
        {
            // No wallet can hold more, so such an order could never be paid; refuse it before it holds stock.
            throw DomainErrors.Validation($"An order may cost at most {UserState.MaxBalance}; this one costs {total - discount}.");
        }

        return new OrderPrice(lines, total, discount, total - discount);
    }
}
