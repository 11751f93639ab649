using Xunit.Abstractions;
using Xunit.Sdk;

namespace ECommerce.Tests.Support;

/// <summary>Where the PostgreSQL tests get their server from. Linked into every test project that has such tests;
/// each defines <c>TestAssembly.Name</c>, the assembly xunit loads the discoverer from.</summary>
internal static class PostgresEnvironment
{
    public const string Variable = "ECOMMERCE_TEST_POSTGRES";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where the MySQL tests get their server from (a MySqlConnector connection string; CI runs MariaDB).</summary>
internal static class MySqlEnvironment
{
    public const string Variable = "ECOMMERCE_TEST_MYSQL";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

/// <summary>Where the Redis tests get their server from (a StackExchange.Redis configuration string).</summary>
internal static class RedisEnvironment
{
    public const string Variable = "ECOMMERCE_TEST_REDIS";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

/// <summary>Marks a test class whose <see cref="StorageFactAttribute"/> tests need PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>Marks a test class whose <see cref="StorageFactAttribute"/> tests need MySQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresMySqlAttribute : Attribute;

/// <summary>Marks a test class whose <see cref="StorageFactAttribute"/> tests need Redis.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresRedisAttribute : Attribute;

/// <summary>A fact that runs everywhere, except in a <see cref="RequiresPostgresAttribute"/> class without
/// ECOMMERCE_TEST_POSTGRES (or a <see cref="RequiresMySqlAttribute"/> class without ECOMMERCE_TEST_MYSQL, a
/// <see cref="RequiresRedisAttribute"/> class without ECOMMERCE_TEST_REDIS): skipped with the reason locally, failed
/// under CI=true.</summary>
[XunitTestCaseDiscoverer("ECommerce.Tests.Support.StorageFactDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageFactAttribute : FactAttribute;

public sealed class StorageFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo factAttribute) =>
        StorageTestCases.WithoutPostgres(diagnosticMessageSink, discoveryOptions, testMethod)
        ?? [new XunitTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A theory with <see cref="StorageFactAttribute"/>'s rule: without its database its rows collapse into one
/// skipped (or, under CI=true, failed) case.</summary>
[XunitTestCaseDiscoverer("ECommerce.Tests.Support.StorageTheoryDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageTheoryAttribute : TheoryAttribute;

public sealed class StorageTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        StorageTestCases.WithoutPostgres(DiagnosticMessageSink, discoveryOptions, testMethod)
        ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class StorageTestCases
{
    /// <summary>The skipped or failed case of a test that needs PostgreSQL, MySQL or Redis where there is none; null
    /// when it can run.</summary>
    public static IEnumerable<IXunitTestCase>? WithoutPostgres(IMessageSink diagnosticMessageSink,
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var testClass = testMethod.TestClass.Class;
        (string Database, string Variable, string Client)? missing =
            testClass.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() && PostgresEnvironment.ConnectionString is null
                ? ("PostgreSQL", PostgresEnvironment.Variable, "an Npgsql")
                : testClass.GetCustomAttributes(typeof(RequiresMySqlAttribute)).Any() && MySqlEnvironment.ConnectionString is null
                    ? ("MySQL", MySqlEnvironment.Variable, "a MySqlConnector")
                    : testClass.GetCustomAttributes(typeof(RequiresRedisAttribute)).Any() && RedisEnvironment.ConnectionString is null
                        ? ("Redis", RedisEnvironment.Variable, "a StackExchange.Redis")
                        : null;
        if (missing is not { } need)
        {
            return null;
        }

        if (PostgresEnvironment.IsCi)
        {
            return
            [
                new ExecutionErrorTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                    $"CI=true but {need.Variable} is not set: {need.Database} tests must run in CI."),
            ];
        }

        return
        [
            new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                $"{need.Variable} is not set ({need.Client} connection string); {need.Database} tests skipped."),
        ];
    }
}
