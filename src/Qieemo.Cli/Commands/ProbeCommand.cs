using System.CommandLine;
using System.Text.Json;
using Microsoft.ML;
using Qieemo.ML;
using Qieemo.ML.Emotion;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo probe --corpus iemocap:DIR --encoder MODEL --out DIR`: the paper's Table I — a frozen
/// encoder's every block probed by masked mean pooling → Linear(256) → ReLU → Linear, by session.
/// report.json: {"blocks": [{"block", "wa", "ua", "wf1", "std": {...}, "folds": [...]}, ...]}.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "Emotion corpus: iemocap:DIR or manifest:FILE.", Required = true };
        var encoder = new Option<string>("--encoder") { Description = "Encoder model zip (qieemo pretrain / import-wenet).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (report.json, report.md).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("probe", "Table I block probe: how well each frozen encoder block's output classifies emotions, by session.");
        foreach (var o in new Option[] { corpus, encoder, output, seed }) command.Options.Add(o);
        command.SetHandler(p =>
        {
            var spec = CorpusSpec.Parse(p.GetValue(corpus)!);
            string model = CliSupport.ExistingFile(p.GetValue(encoder)!).FullName, dir = p.GetValue(output)!;
            var ml = new MLContext(seed: p.GetValue(seed));
            var data = spec.LoadEmotion(ml);
            var rows = ProgressDisplay.Run("block probe", report =>
            {
                var featurized = ml.Transforms.LoadAudio().Append(ml.Transforms.FilterbankFeatures()).Fit(data).Transform(data);
                return QieemoExperiment.RunBlockProbe(ml, featurized, new QieemoTrainerOptions { EncoderModelPath = model },
                    new BlockProbeRunOptions { Seed = p.GetValue(seed), Progress = new SynchronousProgress<(int Block, int Blocks)>(x => report(x.Block, x.Blocks, $"block {x.Block}")) });
            });
            Write(rows, dir, model, spec);
            Console.WriteLine("block     WA       UA       WF1");
            foreach (var r in rows) Console.WriteLine($"{r.Block,5}  {r.Mean.WeightedAccuracy,7:P1}  {r.Mean.UnweightedAccuracy,7:P1}  {r.Mean.WeightedF1,7:P1}");
            return 0;
        });
        return command;
    }

    internal static void Write(IReadOnlyList<BlockProbeBlockResult> rows, string dir, string encoder, CorpusSpec spec)
    {
        Directory.CreateDirectory(dir);
        var json = new
        {
            corpus = $"{spec.Layout}:{spec.Path}",
            encoder,
            blocks = rows.Select(r => new
            {
                block = r.Block, wa = r.Mean.WeightedAccuracy, ua = r.Mean.UnweightedAccuracy, wf1 = r.Mean.WeightedF1,
                std = new { wa = r.Std.WeightedAccuracy, ua = r.Std.UnweightedAccuracy, wf1 = r.Std.WeightedF1 },
                folds = r.Folds.Select(f => new { test_session = f.Session, wa = f.Metrics.WeightedAccuracy, ua = f.Metrics.UnweightedAccuracy, wf1 = f.Metrics.WeightedF1 }),
            }),
        };
        File.WriteAllText(Path.Combine(dir, "report.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        var md = new System.Text.StringBuilder("# Block probe (Table I)\n\n| block | WA (%) | UA (%) | WF1 (%) |\n|---:|---:|---:|---:|\n");
        foreach (var r in rows)
            md.Append($"| {r.Block} | {100 * r.Mean.WeightedAccuracy:F2} ± {100 * r.Std.WeightedAccuracy:F2} | {100 * r.Mean.UnweightedAccuracy:F2} ± {100 * r.Std.UnweightedAccuracy:F2} | {100 * r.Mean.WeightedF1:F2} ± {100 * r.Std.WeightedF1:F2} |\n");
        File.WriteAllText(Path.Combine(dir, "report.md"), md.ToString());
    }
}
