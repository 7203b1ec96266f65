using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.AspNetCore.Tests.TestUtilities;

/// <summary>Keeps every log entry of the <c>FailClosed.Gates.AspNetCore</c> category.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<(EventId Id, LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) =>
        categoryName == "FailClosed.Gates.AspNetCore" ? new Logger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((eventId, logLevel, formatter(state, exception)));
            }
        }
    }
}
