using System.CommandLine;
using Microsoft.ML;
using Qieemo.ML;
using Qieemo.ML.Emotion;

namespace Qieemo.Cli.Commands;

/// <summary>
/// `qieemo train --corpus iemocap:DIR --encoder MODEL --out M.zip`: one model from all sessions
/// (a stratified dev share selects the epoch), saved as an ML.NET model: LoadAudio → FilterbankFeatures
/// → Qieemo → MapKeyToValue(PredictedLabel).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var shared = new QieemoOptionsBinder();
        var ablation = new Option<string>("--ablation") { Description = "none, no-cma, no-mmf or no-pretrain.", DefaultValueFactory = _ => "none" };
        var output = new Option<string>("--out") { Description = "Model zip to write.", Required = true };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "Checkpoint folder (a rerun resumes after the last complete epoch)." };
        var command = new Command("train", "Train one Qieemo model on all sessions and save it as an ML.NET model zip.");
        shared.AddTo(command);
        command.Options.Add(ablation); command.Options.Add(output); command.Options.Add(checkpoints);
        command.SetHandler(p =>
        {
            var spec = CorpusSpec.Parse(p.GetValue(shared.Corpus)!);
            var options = shared.Build(p, QieemoOptionsBinder.ParseAblation(p.GetValue(ablation)!));
            options.CheckpointDirectory = p.GetValue(checkpoints);
            var ml = new MLContext(seed: options.Seed);
            var data = spec.LoadEmotion(ml);
            var model = ProgressDisplay.RunTraining("train", (training, log) =>
            {
                options.Progress = training;
                var pipeline = ml.Transforms.LoadAudio()
                    .Append(ml.Transforms.FilterbankFeatures())
                    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                    .Append(ml.MulticlassClassification.Trainers.Qieemo(options))
                    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
                return pipeline.Fit(data);
            });
            string path = p.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            ml.Model.Save(model, data.Schema, path);
            Console.WriteLine($"model: {path}");
            return 0;
        });
        return command;
    }
}
