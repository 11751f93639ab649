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

/// <summary>Marks a test class whose <see cref="StorageFactAttribute"/> tests need PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>A fact that runs everywhere, except in a <see cref="RequiresPostgresAttribute"/> class without
/// ECOMMERCE_TEST_POSTGRES: skipped with the reason locally, failed under CI=true.</summary>
[XunitTestCaseDiscoverer("ECommerce.Tests.Support.StorageFactDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StorageFactAttribute : FactAttribute;

public sealed class StorageFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (!needsPostgres || PostgresEnvironment.ConnectionString is not null)
        {
            return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
        }

        if (PostgresEnvironment.IsCi)
        {
            return
            [
                new ExecutionErrorTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                    $"CI=true but {PostgresEnvironment.Variable} is not set: PostgreSQL tests must run in CI."),
            ];
        }

        return
        [
            new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                $"{PostgresEnvironment.Variable} is not set (an Npgsql connection string); PostgreSQL tests skipped."),
        ];
    }
}
