using System.Net;
using System.Net.Http.Json;
using ECommerce.Api.Queues;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>The waiting-room endpoints as calls (kept apart from <see cref="ApiClient"/>, which other features extend).</summary>
public static class QueueCalls
{
    public static Task<HttpResponseMessage> OpenQueueRawAsync(this ApiClient api, string kind, long id, object settings,
        long? asUser = null) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/admin/queues/{kind}/{id}")
        {
            Content = JsonContent.Create(settings, options: ApiClient.Json),
        }, asUser);

    public static async Task<QueueResponse> OpenQueueAsync(this ApiClient api, string kind, long id, int admitPerInterval,
        double interval, double admissionWindow) =>
        await ApiClient.ReadAsync<QueueResponse>(
            await api.OpenQueueRawAsync(kind, id, new { admitPerInterval, interval, admissionWindow }), HttpStatusCode.OK);

    public static Task<HttpResponseMessage> CloseQueueRawAsync(this ApiClient api, string kind, long id) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/admin/queues/{kind}/{id}"), userId: null);

    public static async Task<QueueResponse> GetQueueAsync(this ApiClient api, string kind, long id) =>
        await ApiClient.ReadAsync<QueueResponse>(
            await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/admin/queues/{kind}/{id}"), userId: null),
            HttpStatusCode.OK);

    public static Task<HttpResponseMessage> TakeTokenRawAsync(this ApiClient api, string kind, long id, long userId) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/queues/{kind}/{id}/tokens"), userId);

    public static async Task<QueueTicketResponse> TakeTokenAsync(this ApiClient api, string kind, long id, long userId) =>
        await ApiClient.ReadAsync<QueueTicketResponse>(await api.TakeTokenRawAsync(kind, id, userId), HttpStatusCode.Created);

    public static Task<HttpResponseMessage> GetTokenRawAsync(this ApiClient api, string kind, long id, string token, long userId) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/queues/{kind}/{id}/tokens/{token}"), userId);

    public static async Task<QueueTokenResponse> GetTokenAsync(this ApiClient api, string kind, long id, string token, long userId) =>
        await ApiClient.ReadAsync<QueueTokenResponse>(await api.GetTokenRawAsync(kind, id, token, userId), HttpStatusCode.OK);

    public static async Task<QueueTokenResponse> WaitUntilAdmittedAsync(this ApiClient api, string kind, long id,
        string token, long userId) =>
        await Eventually.WaitAsync(() => api.GetTokenAsync(kind, id, token, userId), t => t.Status != "WAITING",
            TimeSpan.FromSeconds(20), "admitted");

    public static Task<HttpResponseMessage> IssueCouponRawAsync(this ApiClient api, long couponId, long userId, string? queueToken) =>
        api.SendAsync(WithQueueToken(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/coupons/{couponId}/issue")
        {
            Content = JsonContent.Create(new { userId }, options: ApiClient.Json),
        }, queueToken), userId);

    public static Task<HttpResponseMessage> CreateOrderRawAsync(this ApiClient api, long userId, long productId, int quantity,
        string? queueToken) =>
        api.SendAsync(WithQueueToken(new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { userId, items = new[] { new { productId, quantity } } }, options: ApiClient.Json),
        }, queueToken), userId);

    private static HttpRequestMessage WithQueueToken(HttpRequestMessage request, string? queueToken)
    {
        if (queueToken is not null)
        {
            request.Headers.Add("Queue-Token", queueToken);
        }

        return request;
    }
}
