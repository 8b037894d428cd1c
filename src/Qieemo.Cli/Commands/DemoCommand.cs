using System.CommandLine;
using System.Diagnostics;
using Qieemo.ML;
using Qieemo.ML.Asr;
using Qieemo.ML.Audio;
using Qieemo.ML.Data;
using Qieemo.ML.Emotion;
using Qieemo.ML.Features;
using Qieemo.ML.Reporting;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo demo`: the whole method on the built-in synthetic corpora — synthesize them if missing,
/// pretrain a tiny encoder (stage 1), run the block probe, Qieemo cross-validation by session with its
/// ablations, the classical baseline, and write the report.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Working folder (corpora, encoder, report).", DefaultValueFactory = _ => Path.Combine("artifacts", "demo") };
        var pretrainMinutes = new Option<double>("--pretrain-minutes") { Description = "Time budget of stage-1 pretraining.", DefaultValueFactory = _ => 4.0 };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs per fold.", DefaultValueFactory = _ => 5 };
        var turns = new Option<int>("--utterances") { Description = "IEMOCAP-layout turns to synthesize.", DefaultValueFactory = _ => 600 };
        var noAblations = new Option<bool>("--no-ablations") { Description = "Only the full model and the baseline." };
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", "Run the main job end to end on the built-in synthetic corpora and write the report.");
        foreach (var o in new Option[] { data, pretrainMinutes, epochs, turns, noAblations, seed }) command.Options.Add(o);
        command.SetHandler(p =>
        {
            var total = Stopwatch.StartNew();
            string root = Path.GetFullPath(p.GetValue(data)!);
            string iemocap = Path.Combine(root, "iemocap"), libri = Path.Combine(root, "librispeech"), encoderDir = Path.Combine(root, "encoder"), reportDir = Path.Combine(root, "report");
            int s = p.GetValue(seed);

            if (!Directory.Exists(iemocap))
                ProgressDisplay.Run("synthesizing IEMOCAP-layout corpus", r => SyntheticCorpus.GenerateIemocap(iemocap, p.GetValue(turns), s,
                    new SynchronousProgress<SynthesisProgress>(x => r(x.Done, x.Total, null))));
            if (!Directory.Exists(libri))
                ProgressDisplay.Run("synthesizing LibriSpeech-layout corpus", r => SyntheticCorpus.GenerateLibriSpeech(libri, SyntheticCorpusOptions.DefaultLibriSpeechUtterances, s,
                    new SynchronousProgress<SynthesisProgress>(x => r(x.Done, x.Total, null))));

            // Foundation: decode and featurize one file, and say what came out.
            var sample = IemocapReader.Read(iemocap).Utterances[0];
            var audio = AudioFile.Read(sample.Path);
            var fbank = new KaldiFbank(KaldiFbankOptions.WeNet()).Compute(audio.ToMono());
            Console.WriteLine($"sample {Path.GetFileName(sample.Path)}: {audio.Info.Format} {audio.Info.SampleRate} Hz, {audio.Info.Channels} ch, " +
                $"{audio.Info.Duration.TotalSeconds:F2} s -> fbank {fbank.Frames} x {fbank.Dim} (min {fbank.Data.Min():F2}, max {fbank.Data.Max():F2})");

            string encoder = Path.Combine(encoderDir, "model.zip");
            if (!File.Exists(encoder))
            {
                Console.WriteLine($"stage 1: pretraining a tiny encoder for {p.GetValue(pretrainMinutes)} min on {libri}");
                var pretrain = PretrainCommand.Create();
                int rc = pretrain.Parse(new[]
                {
                    "--corpus", $"librispeech:{Path.Combine(libri, "train-clean-100")}", "--dev", $"librispeech:{Path.Combine(libri, "dev-clean")}",
                    "--preset", "tiny", "--no-stride", "--batch-frames", "4000", "--lr", "0.003", "--warmup", "50", "--epochs", "100", "--max-minutes", p.GetValue(pretrainMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--out", encoderDir, "--seed", s.ToString(), "--device", "cpu",
                }).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
                if (rc != 0) return rc;
            }

            var ablations = p.GetValue(noAblations) ? Array.Empty<QieemoAblation>()
                : new[] { QieemoAblation.NoCma, QieemoAblation.NoMmf, QieemoAblation.NoPretrain };
            var options = new QieemoExperimentOptions
            {
                Trainer = new QieemoTrainerOptions { EncoderModelPath = encoder, Epochs = p.GetValue(epochs), Seed = s },
                ExtraAblations = ablations, RunBaseline = true, RunBlockProbe = true, Seed = s,
                CorpusName = "synthetic IEMOCAP layout", CorpusPath = iemocap, Title = "Qieemo.ML demo — synthetic IEMOCAP-layout corpus",
            };
            Console.WriteLine("stage 2: Qieemo cross-validation by session (with ablations, block probe and baseline)");
            var result = CrossvalCommand.Run(new CorpusSpec("iemocap", iemocap), options);
            result.Report.AddTiming("demo_total", total.Elapsed);
            ReportWriter.Write(result.Report, reportDir);
            CrossvalCommand.PrintSummary(result);
            Console.WriteLine($"report: {Path.Combine(reportDir, "report.html")} ({total.Elapsed.TotalMinutes:F1} min)");
            return 0;
        });
        return command;
    }
}
