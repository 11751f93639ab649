using Xunit.Abstractions;
using Xunit.Sdk;

namespace ECommerce.Silo.Tests.Events;

/// <summary>Where the RabbitMQ tests get their broker from: an AMQP URI such as amqp://guest:guest@127.0.0.1:5672/.</summary>
internal static class RabbitMqEnvironment
{
    public const string Variable = "ECOMMERCE_TEST_RABBITMQ";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

/// <summary>A fact that needs RabbitMQ: without ECOMMERCE_TEST_RABBITMQ it is skipped with the reason locally and
/// failed under CI=true.</summary>
[XunitTestCaseDiscoverer("ECommerce.Silo.Tests.Events.RabbitMqFactDiscoverer", "ECommerce.Silo.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class RabbitMqFactAttribute : FactAttribute;

public sealed class RabbitMqFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        if (RabbitMqEnvironment.ConnectionString is not null)
        {
            return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
        }

        return PostgresEnvironment.IsCi
            ?
            [
                new ExecutionErrorTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                    $"CI=true but {RabbitMqEnvironment.Variable} is not set: RabbitMQ tests must run in CI."),
            ]
            :
            [
                new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod,
                    $"{RabbitMqEnvironment.Variable} is not set (an AMQP URI); RabbitMQ tests skipped."),
            ];
    }
}
