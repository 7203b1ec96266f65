namespace FailClosed.Gates.Tool;

/// <summary>An input file cannot be read or holds no usable content; exits with <see cref="ExitCodes.Unreadable"/>.</summary>
internal sealed class InputException(string message, Exception? innerException = null) : Exception(message, innerException);
