using FailClosed.Gates.Tool;

return await Cli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
