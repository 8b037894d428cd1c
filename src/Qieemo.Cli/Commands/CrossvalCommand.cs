using System.CommandLine;
using Microsoft.ML;
using Qieemo.ML.Emotion;
using Qieemo.ML.Reporting;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo crossval --corpus iemocap:DIR --encoder MODEL [--ablation none|no-cma|no-mmf|no-pretrain] [--epochs N] --out DIR`:
/// leave-one-session-out cross-validation of the Qieemo model beside the classical baseline; writes
/// report.html, report.md and report.json (folds, mean, std, baseline.mean, block_weights).
/// </summary>
internal static class CrossvalCommand
{
    public static Command Create()
    {
        var shared = new QieemoOptionsBinder();
        var ablation = new Option<string>("--ablation") { Description = "none, no-cma, no-mmf or no-pretrain.", DefaultValueFactory = _ => "none" };
        var extra = new Option<string[]>("--also") { Description = "Further ablations to run beside it (e.g. --also no-cma no-mmf).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Output folder for report.html, report.md, report.json and charts.", Required = true };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the classical baseline." };
        var probe = new Option<bool>("--probe") { Description = "Also run the Table I block probe on the encoder." };
        var command = new Command("crossval", "Qieemo leave-one-session-out cross-validation with the baseline; writes an evaluation report.");
        shared.AddTo(command);
        foreach (var o in new Option[] { ablation, extra, output, noBaseline, probe }) command.Options.Add(o);
        command.SetHandler(p =>
        {
            var spec = CorpusSpec.Parse(p.GetValue(shared.Corpus)!);
            var main = QieemoOptionsBinder.ParseAblation(p.GetValue(ablation)!);
            var options = new QieemoExperimentOptions
            {
                Trainer = shared.Build(p), Ablation = main,
                ExtraAblations = (p.GetValue(extra) ?? Array.Empty<string>()).Select(QieemoOptionsBinder.ParseAblation).ToList(),
                RunBaseline = !p.GetValue(noBaseline), RunBlockProbe = p.GetValue(probe), Seed = p.GetValue(shared.Seed),
                CorpusName = spec.Layout, CorpusPath = spec.Path,
            };
            if (options.Trainer.EncoderModelPath == null && main != QieemoAblation.NoPretrain)
                ProgressDisplay.Info("note: no --encoder given: the encoder starts from random weights (the no-pretraining setting).");
            var result = Run(spec, options);
            var written = ReportWriter.Write(result.Report, p.GetValue(output)!);
            PrintSummary(result);
            Console.WriteLine($"report: {Path.Combine(p.GetValue(output)!, "report.html")}");
            return 0;
        });
        return command;
    }

    internal static QieemoExperimentResult Run(CorpusSpec spec, QieemoExperimentOptions options)
    {
        var ml = new MLContext(seed: options.Seed);
        var data = spec.LoadEmotion(ml);
        return ProgressDisplay.RunTraining("qieemo", (training, log) =>
        {
            options.Trainer.Progress = training;
            options.Log = log;
            return QieemoExperiment.Run(ml, data, options);
        });
    }

    internal static void PrintSummary(QieemoExperimentResult r)
    {
        Console.WriteLine("model           WA       UA       WF1");
        void Row(string name, Qieemo.ML.Evaluation.SessionCrossValidationResult x) =>
            Console.WriteLine($"{name,-13} {x.Mean.WeightedAccuracy,7:P1}  {x.Mean.UnweightedAccuracy,7:P1}  {x.Mean.WeightedF1,7:P1}   (± {x.Std.WeightedAccuracy:P1} WA)");
        Row("qieemo", r.Model);
        foreach (var (a, x) in r.Ablations) Row(QieemoExperiment.Name(a), x);
        if (r.Baseline != null) Row("baseline", r.Baseline);
        if (r.BlockProbe != null)
            foreach (var b in r.BlockProbe) Console.WriteLine($"probe block {b.Block,2}  {b.Mean.WeightedAccuracy,7:P1}  {b.Mean.UnweightedAccuracy,7:P1}  {b.Mean.WeightedF1,7:P1}");
        if (r.RssAfterFoldMiB.Count > 1)
            Console.WriteLine($"RSS after each fold (MiB): {string.Join(", ", r.RssAfterFoldMiB.Select(m => m.ToString("F0")))}; last/first = {r.RssAfterFoldMiB[^1] / r.RssAfterFoldMiB[0]:F3}");
    }
}
