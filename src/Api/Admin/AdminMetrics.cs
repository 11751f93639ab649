namespace ECommerce.Api.Admin;

/// <summary>The instruments the admin page reads. The grains emit the <c>ECommerce.Grains</c> ones under exactly these
/// names: per group-commit write one <see cref="BatchSize"/> and one <see cref="WriteDuration"/> measurement, and
/// <see cref="WriteFailures"/> +1 when the write throws; every measurement tagged <see cref="GrainTypeTag"/>.</summary>
public static class AdminMetrics
{
    public const string GrainsMeterName = "ECommerce.Grains";

    /// <summary><c>Histogram&lt;int&gt;</c>: the calls one write covered.</summary>
    public const string BatchSize = "ecommerce.group_commit.batch_size";

    /// <summary><c>Histogram&lt;double&gt;</c>, milliseconds.</summary>
    public const string WriteDuration = "ecommerce.group_commit.write.duration";

    /// <summary><c>Counter&lt;long&gt;</c>.</summary>
    public const string WriteFailures = "ecommerce.group_commit.write.failures";

    /// <summary>String tag: the grain type, e.g. <c>product</c>.</summary>
    public const string GrainTypeTag = "grain.type";

    public const string HostingMeterName = "Microsoft.AspNetCore.Hosting";

    /// <summary>ASP.NET Core's <c>Histogram&lt;double&gt;</c> of request durations in seconds.</summary>
    public const string RequestDuration = "http.server.request.duration";

    public const string StatusCodeTag = "http.response.status_code";

    public const string RouteTag = "http.route";
}
