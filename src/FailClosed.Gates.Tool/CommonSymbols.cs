using System.CommandLine;

namespace FailClosed.Gates.Tool;

/// <summary>Arguments and options several commands share; each call returns a new instance for one command.</summary>
internal static class CommonSymbols
{
    /// <summary>The journal file argument.</summary>
    public static Argument<string> Journal() => new("journal")
    {
        Description = "The journal file; its checkpoint is <journal>.checkpoint.",
    };

    /// <summary>The repeatable trusted-key option, <c>--key name=key.pem</c>.</summary>
    public static Option<string[]> Keys(string description) => new("--key", "-k")
    {
        Description = description,
        HelpName = "name=key.pem",
        Arity = ArgumentArity.ZeroOrMore,
    };
}
