using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Qieemo.Cli.Commands;

/// <summary>`qieemo predict --model M FILE... [--json]`: the predicted emotion and per-class scores of audio files.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model zip from `qieemo train`.", Required = true };
        var files = new Argument<string[]>("files") { Description = "Audio files (WAV or FLAC).", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("predict", "Predict the emotion of audio files with a trained model.");
        command.Options.Add(model); command.Arguments.Add(files); command.Options.Add(json);
        command.SetHandler(p =>
        {
            string modelPath = CliSupport.ExistingFile(p.GetValue(model)!).FullName;
            var paths = p.GetValue(files)!;
            foreach (var f in paths) CliSupport.ExistingFile(f);
            var results = Predict(modelPath, paths);
            if (p.GetValue(json)) CliSupport.WriteJson(results.Select(r => new { path = r.Path, label = r.Label, scores = r.Scores }));
            else foreach (var r in results)
                Console.WriteLine($"{r.Path}: {r.Label}  ({string.Join(", ", r.Scores.Select(kv => $"{kv.Key} {kv.Value:F3}"))})");
            return 0;
        });
        return command;
    }

    internal sealed record Prediction(string Path, string Label, IReadOnlyDictionary<string, float> Scores);

    internal static List<Prediction> Predict(string modelPath, IReadOnlyList<string> files)
    {
        var ml = new MLContext();
        var transformer = ml.Model.Load(modelPath, out var schema);
        var input = ml.Data.LoadFromEnumerable(files.Select(f => new Row { Path = System.IO.Path.GetFullPath(f), Label = "" }));
        var scored = transformer.Transform(input);
        var score = scored.Schema["Score"];
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        var classNames = names.DenseValues().Select(n => n.ToString()).ToArray();
        var result = new List<Prediction>();
        using var cursor = scored.GetRowCursor(new[] { score, scored.Schema["PredictedLabel"] });
        var getScore = cursor.GetGetter<VBuffer<float>>(score);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["PredictedLabel"]);
        VBuffer<float> s = default;
        ReadOnlyMemory<char> label = default;
        int i = 0;
        while (cursor.MoveNext())
        {
            getScore(ref s); getLabel(ref label);
            var values = s.DenseValues().ToArray();
            result.Add(new Prediction(files[i++], label.ToString(), classNames.Select((n, k) => (n, values[k])).ToDictionary(x => x.n, x => x.Item2)));
        }
        return result;
    }

    private sealed class Row
    {
        public string Path { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
