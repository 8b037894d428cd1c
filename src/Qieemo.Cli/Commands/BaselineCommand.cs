using System.CommandLine;
using Microsoft.ML;
using Qieemo.ML.Evaluation;

namespace Qieemo.Cli.Commands;

/// <summary>`qieemo baseline --corpus iemocap:DIR [--json]`: the classical baseline by leave-one-session-out cross-validation.</summary>
internal static class BaselineCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "Emotion corpus: iemocap:DIR or manifest:FILE.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print {folds, mean, std} as JSON (fractions in [0,1])." };
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("baseline", "Classical baseline (fbank mean+std → logistic regression), evaluated by session.");
        command.Options.Add(corpus); command.Options.Add(json); command.Options.Add(seed);
        command.SetHandler(p =>
        {
            var spec = CorpusSpec.Parse(p.GetValue(corpus)!);
            var ml = new MLContext(seed: p.GetValue(seed));
            var data = spec.LoadEmotion(ml);
            var result = ProgressDisplay.Run("baseline", report =>
                ClassicalBaseline.CrossValidate(ml, data, new ClassicalBaselineOptions
                {
                    Seed = p.GetValue(seed),
                    Progress = new Qieemo.ML.SynchronousProgress<FoldProgress>(f => report(f.FoldIndex + (f.Stage == FoldStage.Completed ? 1 : 0), f.FoldCount, $"{f.TestSession} {f.Stage}")),
                }));
            if (p.GetValue(json)) { Console.WriteLine(result.ToJson()); return 0; }
            Console.WriteLine("fold        WA      UA      WF1");
            foreach (var f in result.Folds)
                Console.WriteLine($"{f.TestSession,-10} {f.Metrics.WeightedAccuracy,6:P1} {f.Metrics.UnweightedAccuracy,7:P1} {f.Metrics.WeightedF1,7:P1}");
            Console.WriteLine($"mean       {result.Mean.WeightedAccuracy,6:P1} {result.Mean.UnweightedAccuracy,7:P1} {result.Mean.WeightedF1,7:P1}");
            Console.WriteLine($"std        {result.Std.WeightedAccuracy,6:P1} {result.Std.UnweightedAccuracy,7:P1} {result.Std.WeightedF1,7:P1}");
            return 0;
        });
        return command;
    }
}
