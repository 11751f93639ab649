namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>How a domain error maps to a transport status: 400, 404 or 409.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    /// <summary>403: the caller may not do this now (e.g. no admitted waiting-room token).</summary>
    Forbidden,
}

/// <summary>A broken business rule. <see cref="Code"/> is stable and machine-readable; it crosses the grain boundary unchanged.</summary>
[GenerateSerializer]
public sealed class DomainException(string code, string message, ErrorKind kind) : Exception(message)
{
    [Id(0)]
    public string Code { get; } = code;

    [Id(1)]
    public ErrorKind Kind { get; } = kind;

    public override string ToString() => $"{Code} ({Kind}): {Message}";
}

/// <summary>Every error code the domain raises, with its category, and factories so messages stay consistent.</summary>
public static class DomainErrors
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string UserNotFound = "USER_NOT_FOUND";
    public const string UserAlreadyRegistered = "USER_ALREADY_REGISTERED";
    public const string EmailTaken = "EMAIL_TAKEN";
    public const string InvalidAmount = "INVALID_AMOUNT";
    public const string BalanceLimitExceeded = "BALANCE_LIMIT_EXCEEDED";
    public const string BalanceInsufficient = "BALANCE_INSUFFICIENT";
    public const string ProductNotFound = "PRODUCT_NOT_FOUND";
    public const string ProductAlreadyExists = "PRODUCT_ALREADY_EXISTS";
    public const string StockInsufficient = "STOCK_INSUFFICIENT";
    public const string CouponNotFound = "COUPON_NOT_FOUND";
    public const string CouponAlreadyExists = "COUPON_ALREADY_EXISTS";
    public const string CouponSoldOut = "COUPON_SOLD_OUT";
    public const string CouponAlreadyIssued = "COUPON_ALREADY_ISSUED";
    public const string CouponExpired = "COUPON_EXPIRED";
    public const string CouponNotUsable = "COUPON_NOT_USABLE";
    public const string OrderNotFound = "ORDER_NOT_FOUND";
    public const string OrderAlreadyExists = "ORDER_ALREADY_EXISTS";
    public const string OrderNotPayable = "ORDER_NOT_PAYABLE";
    public const string OrderNotCancellable = "ORDER_NOT_CANCELLABLE";
    public const string ProductOptionNotFound = "PRODUCT_OPTION_NOT_FOUND";
    public const string ProductOptionRequired = "PRODUCT_OPTION_REQUIRED";
    public const string CartEmpty = "CART_EMPTY";
    public const string CartFull = "CART_FULL";

    // Waiting room (issue 14 point 5).
    public const string QueueNotFound = "QUEUE_NOT_FOUND";
    public const string QueueTokenNotFound = "QUEUE_TOKEN_NOT_FOUND";
    public const string QueueFull = "QUEUE_FULL";
    public const string QueueTokenRequired = "QUEUE_TOKEN_REQUIRED";

    public static DomainException Validation(string message) => new(ValidationFailed, message, ErrorKind.Validation);

    public static DomainException Validation(string code, string message) => new(code, message, ErrorKind.Validation);

    public static DomainException InvalidAmountOf(long amount, long min, long max) =>
        new(InvalidAmount, $"Amount {amount} is outside {min}..{max}.", ErrorKind.Validation);

    public static DomainException NotFound(string code, string what, object key) =>
        new(code, $"{what} {key} does not exist.", ErrorKind.NotFound);

    public static DomainException Conflict(string code, string message) => new(code, message, ErrorKind.Conflict);

    public static DomainException Forbidden(string code, string message) => new(code, message, ErrorKind.Forbidden);
}
