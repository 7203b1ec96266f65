using FailClosed.Gates.Tool;

return Cli.Run(args, Console.Out, Console.Error);
