using System.CommandLine;
using Qieemo.Cli.Commands;

namespace Qieemo.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("qieemo — speech emotion recognition for ML.NET (Qieemo: pretrained ASR encoder + MMF + CMA).");
        root.Options.Add(CliSupport.Verbose);
        foreach (var command in CommandRegistry.All()) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
