namespace FailClosed.Gates.Tool;

/// <summary>The exit codes of fcgate; scripts may rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The evidence is valid, or the command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The evidence is invalid or tampered with, a proof did not verify, or an unforeseen error kept it from being shown valid.</summary>
    public const int Invalid = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing or malformed argument, a record the journal does not have.</summary>
    public const int Usage = 2;

    /// <summary>An input cannot be read: a missing file, a directory, no permission, a key file that holds no key.</summary>
    public const int Unreadable = 3;
}
