using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ECommerce.Silo.Tests.Runtime;

/// <summary>Keeps every log entry with its structured properties, so a test can assert what an operator would see.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, string Category, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            capture._entries.Enqueue(new Entry(logLevel, category, properties.ToDictionary(p => p.Key, p => p.Value), exception));
        }
    }
}
