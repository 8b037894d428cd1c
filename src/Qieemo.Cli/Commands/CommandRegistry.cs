using System.CommandLine;

namespace Qieemo.Cli.Commands;

/// <summary>Every verb of the CLI, in the order `qieemo --help` lists them.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return FeaturesCommand.Create();
        yield return AudioCommand.Create();
        yield return CorpusCommand.Create();
        yield return BaselineCommand.Create();
        yield return PretrainCommand.Create();
        yield return TranscribeCommand.Create();
        yield return ImportWeNetCommand.Create();
        yield return EncodeCommand.Create();
        yield return CrossvalCommand.Create();
        yield return ProbeCommand.Create();
        yield return TrainCommand.Create();
        yield return PredictCommand.Create();
        yield return DemoCommand.Create();
    }
}
