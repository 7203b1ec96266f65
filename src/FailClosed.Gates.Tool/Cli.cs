using System.CommandLine;
using System.CommandLine.Invocation;
using System.Security.Cryptography;
using FailClosed.Gates.Tool.Commands;

namespace FailClosed.Gates.Tool;

/// <summary>
/// The fcgate command line: one file per command under Commands/, each with a <c>Create()</c> that returns its
/// <see cref="Command"/>; add a command (or a command group such as <c>review list|show</c>) there and list it in
/// <see cref="Commands"/>. Actions throw <see cref="UsageException"/>, <see cref="InputException"/> or
/// <see cref="EvidenceUnavailableException"/>, and this class turns them into the exit codes of <see cref="ExitCodes"/>.
/// </summary>
internal static class Cli
{
    private static readonly Func<Command>[] Commands =
    [
        VerifyCommand.Create,
        DumpCommand.Create,
        ProveCommand.Create,
        CheckpointCommand.Create,
        ReviewCommand.Create,
        ExportCommand.Create,
    ];

    /// <summary>Builds the root command with every command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Verify FailClosed.Gates evidence journals and their signed checkpoints, dump their records, build RFC 9162 proofs, and show review queues.")
        {
            HelpName = "fcgate",
        };
        foreach (Func<Command> create in Commands)
        {
            root.Add(create());
        }

        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Where results and help go (standard output).</param>
    /// <param name="error">Where diagnostics go (standard error).</param>
    /// <param name="cancellationToken">Stops a running command.</param>
    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult parse = Build().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (string message in parse.Errors.Select(static e => e.Message).Distinct())
            {
                await error.WriteLineAsync($"fcgate: {message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"fcgate: {ex.Message}").ConfigureAwait(false);
            await error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (InputException ex)
        {
            await error.WriteLineAsync($"fcgate: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Unreadable;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"fcgate: an input cannot be read: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Unreadable;
        }
        catch (Exception ex) when (ex is EvidenceUnavailableException or CryptographicException)
        {
            await error.WriteLineAsync($"fcgate: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Invalid;
        }
#pragma warning disable CA1031 // Anything unforeseen means the evidence was not shown valid: fail closed with 1, never 0.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"fcgate: unexpected error; the evidence was not shown valid: {ex}").ConfigureAwait(false);
            return ExitCodes.Invalid;
        }
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult command)
            {
                names.Push(command.Command is RootCommand ? "fcgate" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
