using System.Diagnostics;
using System.Globalization;
using Qieemo.ML.Data;

namespace Qieemo.Benchmarks;

/// <summary>
/// `librispeech-corpus OUT_DIR [UTTERANCES] [SEED] [TRAIN_SPEAKERS] [DEV_SPEAKERS]`: writes a synthetic LibriSpeech-layout
/// corpus (train-clean-100 + dev-clean with held-out speakers) for the ASR pretraining benchmark and prints its size.
/// </summary>
public sealed class SyntheticLibriSpeechBenchmark : IBenchmark
{
    public string Name => "librispeech-corpus";
    public string Description => "Generate a synthetic LibriSpeech corpus: OUT_DIR [UTTERANCES=900] [SEED=0] [TRAIN_SPEAKERS=12] [DEV_SPEAKERS=2]";

    public int Run(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: librispeech-corpus OUT_DIR [UTTERANCES] [SEED] [TRAIN_SPEAKERS] [DEV_SPEAKERS]"); return 2; }
        int Arg(int i, int d) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : d;
        var options = new SyntheticCorpusOptions
        {
            LibriSpeechUtterances = Arg(1, 900), Seed = Arg(2, 0), TrainSpeakers = Arg(3, 12), DevSpeakers = Arg(4, 2), Overwrite = true,
        };
        var sw = Stopwatch.StartNew();
        SyntheticCorpus.GenerateLibriSpeech(args[0], options);
        var summary = LibriSpeechReader.Read(args[0]).Summary;
        Console.WriteLine(FormattableString.Invariant(
            $"corpus: {summary.Utterances} utterances, {summary.Hours * 60:F1} minutes, {summary.Speakers.Count} speakers, subsets {string.Join(", ", summary.Subsets.Select(kv => $"{kv.Key}={kv.Value}"))}, generated in {sw.Elapsed.TotalSeconds:F0} s"));
        return 0;
    }
}
