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

    /// <summary>The PostgreSQL connection string option, <c>--connection</c>.</summary>
    public static Option<string> Connection() => new("--connection")
    {
        Description = "A PostgreSQL trail instead of a journal file: an Npgsql connection string (keep the password out of it: PGPASSWORD and ~/.pgpass are honoured).",
        HelpName = "connection string",
    };

    /// <summary>The PostgreSQL schema option, <c>--schema</c>.</summary>
    public static Option<string> Schema() => new("--schema")
    {
        Description = "The schema holding the PostgreSQL trail (default 'failclosed').",
        HelpName = "name",
    };
}
