
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>One option of a product (size, colour, ...): its own price and stock. Stock is what can still be reserved.</summary>
/// <param name="Claimed">Units of <paramref name="Stock"/> that orders checking out right now claimed and have not held
/// yet (see <see cref="IProductGrain.ClaimAsync"/>); not for sale to another order meanwhile.</param>
[GenerateSerializer, Immutable]
public sealed record ProductOptionSnapshot(long OptionId, string Name, long Price, int Stock, int Claimed = 0);

/// <summary>Stock is what can still be reserved (reserved units are already taken out of it), summed over the options;
/// Price is the lowest option price.</summary>
[GenerateSerializer, Immutable]
/// <param name="BehindQueue">A waiting room stands in front of the product: a new hold needs the user's admitted
/// Queue-Token, so order creation checks it before it writes anything.</param>
public sealed record ProductSnapshot(long ProductId, string Name, long Price, int Stock, DateTimeOffset CreatedAt,
    IReadOnlyList<ProductOptionSnapshot> Options, bool BehindQueue = false)
{
    /// <summary>The option an order line means: <paramref name="optionId"/>, or with 0 the product's only option.</summary>
    /// <exception cref="DomainException">PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED.</exception>
    public ProductOptionSnapshot Option(long optionId)
    {
        if (optionId == 0)
        {
            return Options.Count == 1
                ? Options[0]
                : throw DomainErrors.Validation(DomainErrors.ProductOptionRequired,
                    $"Product {ProductId} has {Options.Count} options; name one with optionId.");
        }

        return Options.FirstOrDefault(o => o.OptionId == optionId)
            ?? throw DomainErrors.NotFound(DomainErrors.ProductOptionNotFound, $"Option of product {ProductId}", optionId);
    }

    /// <summary>STOCK_INSUFFICIENT when the line's option has less than it asks, else null: the one stock rule order
    /// creation applies, in the API before an order exists and in the order grain before its intent.</summary>
    /// <exception cref="DomainException">PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED.</exception>
    public DomainException? ShortageFor(OrderItemRequest line)
    {
        var option = Option(line.OptionId);
        return option.Stock - option.Claimed >= line.Quantity ? null
            : DomainErrors.Conflict(DomainErrors.StockInsufficient, option.Claimed == 0
                ? $"Product '{Name}' ({option.Name}) has {option.Stock} in stock, {line.Quantity} requested."
                : $"Product '{Name}' ({option.Name}) has {option.Stock} in stock, {option.Claimed} of them claimed by orders being created, {line.Quantity} requested.");
    }
}

/// <summary>An option to create: its id comes from the product id sequence (the first one's is the product id).</summary>
[GenerateSerializer, Immutable]
public sealed record NewProductOption(long OptionId, string Name, long Price, int Stock);

[GenerateSerializer, Immutable]
public sealed record ReservedLine(long ProductId, string Name, long UnitPrice, int Quantity, long OptionId = 0,
    string? OptionName = null);

/// <summary>A product and its options' stock, keyed by product id. Calls no other grain but
/// <see cref="IQueueGrain.CheckPassAsync"/>, for a new hold while behind a waiting room. An <c>optionId</c> of 0 means
/// the product's only option (PRODUCT_OPTION_REQUIRED when it has several).</summary>
public interface IProductGrain : IGrainWithIntegerKey, IQueueGatedGrain
{
    public const int MaxOptions = 50;

    /// <summary>Creates the product with one option (id = the product id) named <see cref="DefaultOptionName"/>
    /// (price 0..1,000,000,000, stock 0..1,000,000); idempotent for the same data.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, PRODUCT_ALREADY_EXISTS (other data).</exception>
    Task<ProductSnapshot> CreateAsync(string name, long price, int stock);

    /// <summary>Creates the product with 1..50 options, names unique; the first option's id must be the product id.
    /// Idempotent for the same data.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, PRODUCT_ALREADY_EXISTS (other data).</exception>
    Task<ProductSnapshot> CreateWithOptionsAsync(string name, IReadOnlyList<NewProductOption> options);

    /// <exception cref="DomainException">PRODUCT_NOT_FOUND.</exception>
    Task<ProductSnapshot> GetAsync();

    /// <summary>Order creation's stock check: the product as the order sees it (other orders' claims counted in
    /// <see cref="ProductOptionSnapshot.Claimed"/>, its own not). When every line passes
    /// <see cref="ProductSnapshot.ShortageFor"/> on it, their units are claimed for the order, in memory only, until
    /// <see cref="ReserveAsync"/> holds them, <see cref="ReleaseAsync"/> drops them or they lapse (seconds); a refused
    /// order claims nothing. The claim only keeps other orders' checks from passing on units this order is about to
    /// hold; the hold still decides.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED.</exception>
    Task<ProductSnapshot> ClaimAsync(long orderId, IReadOnlyList<OrderItemRequest> lines);

    /// <summary>Restocks (positive) or removes (negative) units of one option; never below 0.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED,
    /// STOCK_INSUFFICIENT, VALIDATION_FAILED.</exception>
    Task<ProductSnapshot> AdjustStockAsync(int delta, long optionId = 0);

    /// <summary>Takes <paramref name="quantity"/> units of the option out of stock for the order; a repeat for the same
    /// order and option returns the open reservation without taking more.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED,
    /// STOCK_INSUFFICIENT, VALIDATION_FAILED; QUEUE_TOKEN_REQUIRED behind a waiting room without the order's user's
    /// admitted token (<see cref="QueuePass"/>).</exception>
    Task<ReservedLine> ReserveAsync(long orderId, int quantity, long optionId = 0);

    /// <summary>Puts the order's reserved units back, of every option, and drops its claim; a no-op when the order holds
    /// none.</summary>
    Task ReleaseAsync(long orderId);

    /// <summary>Turns the order's reservations (every option) into sales; a no-op when already confirmed.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND.</exception>
    Task ConfirmAsync(long orderId);

    public const string DefaultOptionName = "default";
}
