namespace FailClosed.Gates.Tool;

/// <summary>The command line was understood but asks for something impossible; exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
