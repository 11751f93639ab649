using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ECommerce.Api.Cart;
using ECommerce.Api.Coupons;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Users;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The API's endpoints as calls, each with a bearer token: a helper that names a user sends that user's
/// token (the user must have been made by <see cref="CreateUserAsync"/>), the rest send the bootstrap admin's, or the
/// token of the user chosen with <see cref="As"/>. Helpers that return a body assert the success status first.</summary>
public sealed class ApiClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly long? _actingAs;

    public ApiClient(HttpClient http, TestAccounts accounts) : this(http, accounts, actingAs: null)
    {
    }

    private ApiClient(HttpClient http, TestAccounts accounts, long? actingAs)
    {
        _http = http;
        Accounts = accounts;
        _actingAs = actingAs;
    }

    /// <summary>Without a token: what the API answers to anyone.</summary>
    public HttpClient Http => _http;

    public TestAccounts Accounts { get; }

    /// <summary>The same client, sending <paramref name="userId"/>'s token with the calls that name no user.</summary>
    public ApiClient As(long userId) => new(_http, Accounts, userId);

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null) =>
        PostAsUserAsync(_actingAs, path, body, idempotencyKey);

    public Task<HttpResponseMessage> GetAsync(string path) => GetAsUserAsync(_actingAs, path);

    private async Task<HttpResponseMessage> PostAsUserAsync(long? userId, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await SendAsync(request, userId);
    }

    private Task<HttpResponseMessage> GetAsUserAsync(long? userId, string path) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), userId);

    /// <summary>Sends <paramref name="request"/> with <paramref name="userId"/>'s token, or the admin's when null.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, long? userId)
    {
        var token = userId is { } id ? await Accounts.TokenOfAsync(_http, id) : await Accounts.AdminTokenAsync(_http);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        // A refused token says why only in WWW-Authenticate (error_description).
        var challenge = response.Headers.WwwAuthenticate.Count > 0 ? $" ({response.Headers.WwwAuthenticate})" : string.Empty;
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}{challenge}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException("Empty body.");
    }

    /// <summary>Registers a user with <see cref="TestAccounts.UserPassword"/>; later calls naming the user sign in as them.</summary>
    public async Task<UserResponse> CreateUserAsync(string? name = null)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var user = await ReadAsync<UserResponse>(
            await _http.PostAsJsonAsync("/api/v1/users", new { name = name ?? "Tester", email, password = TestAccounts.UserPassword }, Json),
            HttpStatusCode.Created);
        Accounts.Remember(user.UserId, email);
        return user;
    }

    public Task<HttpResponseMessage> ChargeRawAsync(long userId, long amount, string? idempotencyKey = null) =>
        PostAsUserAsync(userId, $"/api/v1/users/{userId}/balance/charge", new { amount }, idempotencyKey);

    public async Task<UserResponse> GetUserAsync(long userId) =>
        await ReadAsync<UserResponse>(await GetAsync($"/api/v1/users/{userId}"), HttpStatusCode.OK);

    public async Task<BalanceResponse> ChargeAsync(long userId, long amount) =>
        await ReadAsync<BalanceResponse>(await ChargeRawAsync(userId, amount), HttpStatusCode.OK);

    public async Task<long> GetBalanceAsync(long userId) =>
        (await ReadAsync<BalanceResponse>(await GetAsync($"/api/v1/users/{userId}/balance"), HttpStatusCode.OK)).Balance;

    public async Task<List<BalanceHistoryResponse>> GetHistoryAsync(long userId) =>
        await ReadAsync<List<BalanceHistoryResponse>>(await GetAsync($"/api/v1/users/{userId}/balance/history"),
            HttpStatusCode.OK);

    public async Task<List<UserCouponResponse>> GetUserCouponsAsync(long userId) =>
        await ReadAsync<List<UserCouponResponse>>(await GetAsync($"/api/v1/users/{userId}/coupons"), HttpStatusCode.OK);

    public async Task<ProductResponse> CreateProductAsync(long price, int stock, string? name = null) =>
        await ReadAsync<ProductResponse>(
            await PostAsync("/api/v1/products", new { name = name ?? $"Product {Guid.NewGuid():N}", price, stock }),
            HttpStatusCode.Created);

    public async Task<ProductResponse> GetProductAsync(long productId) =>
        await ReadAsync<ProductResponse>(await GetAsync($"/api/v1/products/{productId}"), HttpStatusCode.OK);

    public async Task<ProductPageResponse> ListProductsAsync(int size) =>
        await ReadAsync<ProductPageResponse>(await GetAsync($"/api/v1/products?size={size}"), HttpStatusCode.OK);

    /// <summary>GET /api/v1/products with <paramref name="query"/> as the query string (without the '?').</summary>
    public async Task<ProductPageResponse> SearchProductsAsync(string query) =>
        await ReadAsync<ProductPageResponse>(await GetAsync($"/api/v1/products?{query}"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> CreateCouponRawAsync(long discountAmount, int totalQuantity, DateTimeOffset expiresAt) =>
        PostAsync("/api/v1/coupons", new { name = "Coupon", discountAmount, totalQuantity, expiresAt });

    public async Task<CouponResponse> CreateCouponAsync(long discountAmount, int totalQuantity, DateTimeOffset? expiresAt = null) =>
        await ReadAsync<CouponResponse>(
            await CreateCouponRawAsync(discountAmount, totalQuantity, expiresAt ?? DateTimeOffset.UtcNow.AddDays(7)),
            HttpStatusCode.Created);

    public async Task<CouponResponse> GetCouponAsync(long couponId) =>
        await ReadAsync<CouponResponse>(await GetAsync($"/api/v1/coupons/{couponId}"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> IssueCouponRawAsync(long couponId, long userId) =>
        PostAsUserAsync(userId, $"/api/v1/coupons/{couponId}/issue", new { userId });

    public async Task<IssuedCouponResponse> IssueCouponAsync(long couponId, long userId) =>
        await ReadAsync<IssuedCouponResponse>(await IssueCouponRawAsync(couponId, userId), HttpStatusCode.Created);

    public Task<HttpResponseMessage> CreateOrderRawAsync(long userId, IEnumerable<(long ProductId, int Quantity)> items,
        long? couponId = null, string? idempotencyKey = null) =>
        PostAsUserAsync(userId, "/api/v1/orders",
            new { userId, items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }), couponId },
            idempotencyKey);

    public async Task<OrderResponse> CreateOrderAsync(long userId, IEnumerable<(long ProductId, int Quantity)> items,
        long? couponId = null) =>
        await ReadAsync<OrderResponse>(await CreateOrderRawAsync(userId, items, couponId), HttpStatusCode.Created);

    public async Task<OrderResponse> GetOrderAsync(long orderId) =>
        await ReadAsync<OrderResponse>(await GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> PayRawAsync(long orderId, long userId, string? idempotencyKey = null) =>
        PostAsUserAsync(userId, $"/api/v1/orders/{orderId}/payment", new { userId }, idempotencyKey);

    public async Task<PaymentResponse> PayAsync(long orderId, long userId) =>
        await ReadAsync<PaymentResponse>(await PayRawAsync(orderId, userId), HttpStatusCode.OK);

    public Task<HttpResponseMessage> CancelRawAsync(long orderId, long userId) =>
        PostAsUserAsync(userId, $"/api/v1/orders/{orderId}/cancel", new { userId });

    /// <summary>As the user themselves; <see cref="GetAsync"/> reads the list with another token.</summary>
    public Task<HttpResponseMessage> ListUserOrdersRawAsync(long userId, int page = 1, int size = 20) =>
        GetAsUserAsync(userId, $"/api/v1/users/{userId}/orders?page={page}&size={size}");

    public async Task<OrderPageResponse> ListUserOrdersAsync(long userId, int page = 1, int size = 20) =>
        await ReadAsync<OrderPageResponse>(await ListUserOrdersRawAsync(userId, page, size), HttpStatusCode.OK);

    public async Task<CouponPageResponse> ListCouponsAsync(bool? open, int page = 1, int size = 100) =>
        await ReadAsync<CouponPageResponse>(
            await _http.GetAsync($"/api/v1/coupons?page={page}&size={size}{(open is { } o ? $"&open={(o ? "true" : "false")}" : "")}"),
            HttpStatusCode.OK);

    /// <summary>As the order's user.</summary>
    public async Task<List<PaymentAttemptResponse>> ListPaymentsAsync(long orderId, long userId) =>
        await ReadAsync<List<PaymentAttemptResponse>>(
            await GetAsUserAsync(userId, $"/api/v1/orders/{orderId}/payments"), HttpStatusCode.OK);

    public Task<HttpResponseMessage> CreateProductWithOptionsRawAsync(string name,
        IEnumerable<(string Name, long Price, int Stock)> options) =>
        PostAsync("/api/v1/products",
            new { name, options = options.Select(o => new { name = o.Name, price = o.Price, stock = o.Stock }) });

    public async Task<ProductResponse> CreateProductWithOptionsAsync(params (string Name, long Price, int Stock)[] options) =>
        await ReadAsync<ProductResponse>(
            await CreateProductWithOptionsRawAsync($"Product {Guid.NewGuid():N}", options), HttpStatusCode.Created);

    /// <summary>Lines that name a product, an option or both (null leaves the field out).</summary>
    public Task<HttpResponseMessage> CreateOptionOrderRawAsync(long userId,
        IEnumerable<(long? ProductId, long? OptionId, int Quantity)> items, long? couponId = null, string? idempotencyKey = null) =>
        PostAsUserAsync(userId, "/api/v1/orders",
            new
            {
                userId,
                items = items.Select(i => new { productId = i.ProductId, optionId = i.OptionId, quantity = i.Quantity }),
                couponId,
            },
            idempotencyKey);

    public async Task<OrderResponse> CreateOptionOrderAsync(long userId,
        IEnumerable<(long? ProductId, long? OptionId, int Quantity)> items, long? couponId = null) =>
        await ReadAsync<OrderResponse>(await CreateOptionOrderRawAsync(userId, items, couponId), HttpStatusCode.Created);

    public Task<HttpResponseMessage> GetCartRawAsync(long userId) => GetAsUserAsync(userId, $"/api/v1/users/{userId}/cart");

    public async Task<CartResponse> GetCartAsync(long userId) =>
        await ReadAsync<CartResponse>(await GetCartRawAsync(userId), HttpStatusCode.OK);

    public Task<HttpResponseMessage> SetCartItemRawAsync(long userId, long optionId, long quantity) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{userId}/cart/items/{optionId}")
        {
            Content = JsonContent.Create(new { quantity }, options: Json),
        }, userId);

    public async Task<CartResponse> SetCartItemAsync(long userId, long optionId, long quantity) =>
        await ReadAsync<CartResponse>(await SetCartItemRawAsync(userId, optionId, quantity), HttpStatusCode.OK);

    public Task<HttpResponseMessage> RemoveCartItemRawAsync(long userId, long optionId) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{userId}/cart/items/{optionId}"), userId);

    public Task<HttpResponseMessage> CheckoutRawAsync(long userId, long? couponId = null, string? idempotencyKey = null) =>
        PostAsUserAsync(userId, $"/api/v1/users/{userId}/cart/checkout", new { couponId }, idempotencyKey);

    public async Task<OrderResponse> CheckoutAsync(long userId, long? couponId = null) =>
        await ReadAsync<OrderResponse>(await CheckoutRawAsync(userId, couponId), HttpStatusCode.Created);
}
