using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Asr;
using Qieemo.ML.Data;
using static TorchSharp.torch;

namespace Qieemo.ML.Tests.AsrTraining;

/// <summary>The ASR trainer in-process: determinism, a real learning check, the ML.NET surface and save/load.</summary>
[TestClass]
public sealed class AsrTrainerTests
{
    private static AsrEncoderTransformer? _trained;
    private static IReadOnlyList<AsrEpochReport>? _history;
    private static string? _modelZip;

    private const int Epochs = 10;

    /// <summary>Trains the tiny preset for Epochs epochs once (shared by the learning and save/load tests).</summary>
    private static (AsrEncoderTransformer Model, IReadOnlyList<AsrEpochReport> History, string Zip) Trained()
    {
        if (_trained is not null) return (_trained, _history!, _modelZip!);
        var ml = new MLContext(seed: 1);
        var options = AsrTrainingSupport.TinyOptions(epochs: Epochs);
        options.ValidationData = ml.Data.LoadLibriSpeech(AsrTrainingSupport.Dev);
        var trainer = ml.Speech().Trainers.AsrEncoder(options);
        _trained = trainer.Fit(ml.Data.LoadLibriSpeech(AsrTrainingSupport.Train));
        _history = trainer.History;
        _modelZip = Path.Combine(TestSupport.TempDir("qieemo-asr-model"), "model.zip");
        _trained.Save(ml, _modelZip);
        return (_trained, _history, _modelZip);
    }

    [TestMethod]
    public void TrainingLossDropsClearly()
    {
        var (_, history, _) = Trained();
        Assert.HasCount(Epochs, history);
        double first = history[0].TrainLoss, last = history[^1].TrainLoss;
        Assert.IsTrue(double.IsFinite(first) && double.IsFinite(last));
        // An untrained CTC+attention model starts near ln(V)·len; a learning one falls fast (blank/frequent-char stage).
        Assert.IsLessThan(0.75 * first, last, $"train loss {first:F2} -> {last:F2}: no clear drop");
        Assert.IsLessThan(history[0].DevLoss, history[^1].DevLoss, "dev loss should fall too");
        Assert.IsTrue(history.All(h => h.DevCer >= 0 && double.IsFinite(h.DevWer)), "CER/WER reported every epoch");
    }

    [TestMethod]
    public void SameSeedGivesIdenticalLossesAndWeights()
    {
        var (lossesA, weightsA) = TrainTwoEpochs(seed: 11);
        var (lossesB, weightsB) = TrainTwoEpochs(seed: 11);
        var (lossesC, _) = TrainTwoEpochs(seed: 12);
        Assert.IsGreaterThan(2, lossesA.Length);
        CollectionAssert.AreEqual(lossesA, lossesB, "same seed, same per-step running losses");
        CollectionAssert.AreEqual(weightsA, weightsB, "same seed, same final weights");
        CollectionAssert.AreNotEqual(lossesA, lossesC, "another seed must change the run (else the test proves nothing)");
    }

    private static (double[] Losses, float[] Weights) TrainTwoEpochs(int seed)
    {
        var ml = new MLContext(seed: 1);
        var recorder = new AsrTrainingSupport.Recorder();
        var options = AsrTrainingSupport.TinyOptions(epochs: 2, seed: seed);
        options.Progress = recorder;
        // 8 utterances keep the three runs short; still several batches per epoch.
        var data = ml.Data.TakeRows(ml.Data.LoadLibriSpeech(AsrTrainingSupport.Train), 8);
        var model = ml.Speech().Trainers.AsrEncoder(options).Fit(data);
        float[] weights = model.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        return (recorder.StepLosses, weights);
    }

    [TestMethod]
    public void TransformPredictionEngineAndFreshProcessTranscriptsAgree()
    {
        var (model, _, zip) = Trained();
        var ml = new MLContext(seed: 1);
        var dev = ml.Data.LoadLibriSpeech(AsrTrainingSupport.Dev);
        var output = model.Transform(dev);
        var paths = output.GetColumn<string>("Path").ToArray();
        var transcripts = output.GetColumn<string>("Transcript").ToArray();
        int devCount = LibriSpeechReader.Read(AsrTrainingSupport.Dev).Utterances.Count;
        Assert.IsGreaterThanOrEqualTo(3, devCount);
        Assert.HasCount(devCount, transcripts);
        Assert.IsTrue(transcripts.Any(t => t.Length > 0), "a trained model should emit some characters");

        // PredictionEngine over a Path -> Transcript schema.
        var engine = ml.Model.CreatePredictionEngine<PathRow, TranscriptRow>(model);
        Assert.AreEqual(transcripts[0], engine.Predict(new PathRow { Path = paths[0] }).Transcript);
        Assert.AreEqual(transcripts[1], model.Transcribe(paths[1]));
        CollectionAssert.AreEqual(transcripts, model.Transcribe(paths).ToArray());

        // Reloaded in this process with plain Model.Load.
        var reloaded = ml.Model.Load(zip, out _);
        CollectionAssert.AreEqual(transcripts, reloaded.Transform(dev).GetColumn<string>("Transcript").ToArray());

        // A fresh process (the CLI) on the saved zip.
        var cli = CliRunner.Run(new[] { "transcribe", "--model", zip }.Concat(paths).ToArray());
        Assert.AreEqual(0, cli.ExitCode, cli.Stderr);
        var lines = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(paths.Length, lines);
        for (int i = 0; i < paths.Length; i++) Assert.AreEqual($"{paths[i]}\t{transcripts[i]}", lines[i].TrimEnd('\r'));

        // Corpus scoring JSON: exactly the three fields, and the CER matches ErrorRates on the in-process transcripts.
        var json = CliRunner.Run("transcribe", "--model", zip, "--corpus", "librispeech:" + AsrTrainingSupport.Dev, "--json");
        Assert.AreEqual(0, json.ExitCode, json.Stderr);
        var refs = output.GetColumn<string>("Text").Select(t => string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        double cer = Qieemo.ML.Evaluation.ErrorRates.Cer(refs.Zip(transcripts)), wer = Qieemo.ML.Evaluation.ErrorRates.Wer(refs.Zip(transcripts));
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        CollectionAssert.AreEqual(new[] { "utterances", "cer", "wer" }, doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(devCount, doc.RootElement.GetProperty("utterances").GetInt32());
        Assert.AreEqual(cer, doc.RootElement.GetProperty("cer").GetDouble(), 1e-12);
        Assert.AreEqual(wer, doc.RootElement.GetProperty("wer").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void LoadEncoderGivesAnIndependentCopyWithTheSameOutputs()
    {
        var (model, _, zip) = Trained();
        var (encoder, config) = AsrEncoderTransformer.LoadEncoder(zip);
        Assert.AreEqual("efficientConformer", config.EncoderType);
        Assert.AreEqual(model.EncoderConfig.OutputSize, config.OutputSize);
        Assert.IsFalse(encoder.training, "returned in eval mode");
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 120, 80 }, generator: new TorchSharp.torch.Generator(5)) * 3 + 5;
        var lens = tensor(new long[] { 120, 90 });
        using var a = encoder.call(x, lens);
        using var b = model.Encoder.call(x, lens);
        Assert.AreEqual(0.0, (a.Output - b.Output).abs().max().item<float>(), 1e-6);
        CollectionAssert.AreEqual(model.Encoder.GlobalCmvn!.Mean, encoder.GlobalCmvn!.Mean, "CMVN statistics travel with the encoder");
        using (no_grad()) encoder.parameters().First().add_(1.0f);
        using var c = model.Encoder.call(x, lens);
        Assert.AreEqual(0.0, (c.Output - b.Output).abs().max().item<float>(), 1e-6, "the copy is independent of the model");
        encoder.Dispose();
    }

    [TestMethod]
    public void BadInputsFailWithClearMessages()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = "/nonexistent/a.flac" } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Speech().Trainers.AsrEncoder(AsrTrainingSupport.TinyOptions(1)).Fit(rows));
        StringAssert.Contains(ex.Message, "'Text'");
        var bad = ml.Data.LoadFromEnumerable(new[] { new Utterance { Path = "/nonexistent/a.flac", Text = "HELLO" } });
        var fnf = Assert.ThrowsExactly<FileNotFoundException>(() => ml.Speech().Trainers.AsrEncoder(AsrTrainingSupport.TinyOptions(1)).Fit(bad));
        StringAssert.Contains(fnf.Message, "a.flac");
        Assert.ThrowsExactly<FileNotFoundException>(() => AsrEncoderTransformer.LoadEncoder("/nonexistent/model.zip"));
        string notZip = Path.Combine(TestSupport.TempDir(), "x.zip");
        File.WriteAllText(notZip, "not a zip");
        var inv = Assert.ThrowsExactly<InvalidDataException>(() => AsrEncoderTransformer.LoadEncoder(notZip));
        StringAssert.Contains(inv.Message, "x.zip");
    }

    private sealed class PathRow { public string Path { get; set; } = ""; }
    private sealed class TranscriptRow { public string Transcript { get; set; } = ""; }
}
