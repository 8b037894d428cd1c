using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Data;
using Qieemo.ML.Emotion;
using Qieemo.ML.Evaluation;
using Qieemo.ML.Modules.Emotion;
using Qieemo.ML.Runtime;

namespace Qieemo.ML.Tests.Emotion;

/// <summary>The Qieemo trainer inside ML.NET: Evaluate, PredictionEngine, save/load in a fresh process, determinism, resume.</summary>
[TestClass]
public sealed class QieemoTrainerTests
{
    private static string _corpus = "";
    private static MLContext _ml = null!;
    private static IDataView _features = null!;

    [ClassInitialize]
    public static void MakeCorpus(TestContext _)
    {
        TestSupport.RequireTool("espeak-ng");
        TestSupport.RequireTool("sox");
        _corpus = Path.Combine(TestSupport.TempDir("qieemo-trainer"), "iemocap");
        SyntheticCorpus.GenerateIemocap(_corpus, 80, 11);
        _ml = new MLContext(seed: 1);
        var data = _ml.Data.LoadIemocap(_corpus);
        _features = _ml.Data.Cache(_ml.Transforms.LoadAudio().Append(_ml.Transforms.FilterbankFeatures()).Fit(data).Transform(data),
            "Path", "Features", "Label", "Session");
    }

    private static QieemoTrainerOptions Small(int epochs = 1) => new()
    {
        EncoderPreset = "tiny", Epochs = epochs, Threads = 1, Seed = 5, ValidationFraction = 0.2, MaxFramesPerBatch = 4000,
        Head = new EmotionHeadOptions { ClassifierHidden = 32, Cma = new CrossModalAttentionOptions { AttentionDim = 32 } },
    };

    private static IEstimator<ITransformer> Pipeline(QieemoTrainerOptions options) =>
        _ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(_ml.MulticlassClassification.Trainers.Qieemo(options))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedLabelText", "PredictedLabel"));

    private static List<float[]> Scores(IDataView scored)
    {
        var col = scored.Schema["Score"];
        var result = new List<float[]>();
        using var cursor = scored.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> v = default;
        while (cursor.MoveNext()) { getter(ref v); result.Add(v.DenseValues().ToArray()); }
        return result;
    }

    private sealed class FeatureRow
    {
        [VectorType] public float[] Features { get; set; } = Array.Empty<float>();
        public string Label { get; set; } = "";
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public string PredictedLabelText { get; set; } = "";
    }

    [TestMethod]
    public void WorksInAnMLNetPipelineWithEvaluateAndPredictionEngine()
    {
        var model = Pipeline(Small()).Fit(_features);
        var scored = model.Transform(_features);
        var metrics = _ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        Assert.AreEqual(4, metrics.ConfusionMatrix.NumberOfClasses);
        var ours = EmotionMetrics.FromScoredData(scored, "Label", "PredictedLabel");
        Assert.AreEqual(ours.WeightedAccuracy, metrics.MicroAccuracy, 1e-9, "ML.NET's Evaluate and ours agree on WA");

        var batch = Scores(scored);
        foreach (var s in batch) Assert.AreEqual(1.0, s.Sum(), 1e-4, "probabilities");
        var rows = _ml.Data.CreateEnumerable<FeatureRow>(_features, reuseRowObject: false).Take(5).ToList();
        var engine = _ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(model);
        for (int i = 0; i < rows.Count; i++)
            CollectionAssert.AreEqual(batch[i], engine.Predict(rows[i]).Score, "PredictionEngine equals batch scoring");

        var q = (QieemoTransformer)((IEnumerable<ITransformer>)model).ElementAt(1);
        CollectionAssert.AreEquivalent(new[] { "ang", "hap", "neu", "sad" }, q.ClassNames.ToArray());
        Assert.AreEqual(6, q.BlockWeights.Length, "MMF fuses the last six blocks of the tiny encoder");
        Assert.AreEqual(1.0, q.BlockWeights.Sum(), 1e-5);
    }

    [TestMethod]
    public void SavedModelGivesIdenticalProbabilitiesInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadIemocap(_corpus);
        var pipeline = ml.Transforms.LoadAudio().Append(ml.Transforms.FilterbankFeatures())
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Qieemo(Small()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        string zip = Path.Combine(TestSupport.TempDir(), "qieemo.zip");
        ml.Model.Save(model, data.Schema, zip);

        var paths = IemocapReader.Read(_corpus).Utterances.Take(4).Select(u => u.Path).ToArray();
        var inProcess = Scores(model.Transform(ml.Data.LoadFromEnumerable(paths.Select(p => new Utterance { Path = p, Label = "neu" }))));
        var r = CliRunner.Run(new[] { "predict", "--model", zip, "--json" }.Concat(paths).ToArray());
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var q = (QieemoTransformer)((IEnumerable<ITransformer>)model).ElementAt(3);
        int i = 0;
        foreach (var row in json.RootElement.EnumerateArray())
        {
            var scores = row.GetProperty("scores");
            for (int k = 0; k < q.ClassNames.Count; k++)
                Assert.AreEqual(inProcess[i][k], scores.GetProperty(q.ClassNames[k]).GetSingle(), 0f, $"{paths[i]} {q.ClassNames[k]}");
            Assert.AreEqual(q.ClassNames[Array.IndexOf(inProcess[i], inProcess[i].Max())], row.GetProperty("label").GetString());
            i++;
        }
        Assert.AreEqual(paths.Length, i);
    }

    [TestMethod]
    public void SameSeedGivesTheSameModelOnCpu()
    {
        var a = Scores(Pipeline(Small()).Fit(_features).Transform(_features));
        var b = Scores(Pipeline(Small()).Fit(_features).Transform(_features));
        for (int i = 0; i < a.Count; i++) CollectionAssert.AreEqual(a[i], b[i]);
        var options = Small();
        options.Seed = 6;
        var c = Scores(Pipeline(options).Fit(_features).Transform(_features));
        Assert.IsTrue(a.Zip(c).Any(p => !p.First.SequenceEqual(p.Second)), "another seed gives another model");
    }

    [TestMethod]
    public void UserSetBlockWeightsStayFrozenAndCrossValidationBySessionWorks()
    {
        var options = Small();
        options.Head.Mmf.InitialBlockWeights = new[] { 1f, 1f, 1f, 5f, 1f, 1f };
        options.Head.Mmf.LearnableBlockWeights = false;
        var result = _ml.MulticlassClassification.CrossValidateBySession(_features,
            fold => _ml.Transforms.Conversion.MapValueToKey("Label").Append(_ml.MulticlassClassification.Trainers.Qieemo(options).WithValidation(null)),
            "Session", "Label", new SessionCrossValidationOptions { DevFraction = 0 });
        Assert.AreEqual(5, result.Folds.Count);
        foreach (var fold in result.Folds)
        {
            var q = (QieemoTransformer)((IEnumerable<ITransformer>)fold.Model).Last();
            var expected = new[] { 0.1, 0.1, 0.1, 0.5, 0.1, 0.1 };   // Softmax mode: user weights are shares, normalized to sum to one
            for (int k = 0; k < 6; k++) Assert.AreEqual(expected[k], q.BlockWeights[k], 1e-6, $"block weight {k} of fold {fold.TestSession}");
        }
    }

    [TestMethod]
    public void ResumesFromTheLastCompleteEpoch()
    {
        string dir = TestSupport.TempDir();
        var options = Small(3);
        options.CheckpointDirectory = dir;
        var straight = (QieemoTransformer)((IEnumerable<ITransformer>)Pipeline(options).Fit(_features)).ElementAt(1);
        var straightScores = Scores(straight.Transform(_ml.Transforms.Conversion.MapValueToKey("Label").Fit(_features).Transform(_features)));
        Assert.AreEqual(3, straight.History.Count);

        // A crash during epoch 3: its checkpoint never got written.
        string last = Path.Combine(dir, "epoch_003.ckpt");
        Assert.IsTrue(File.Exists(last), "one checkpoint per epoch");
        File.Delete(last);

        var resumed = (QieemoTransformer)((IEnumerable<ITransformer>)Pipeline(options).Fit(_features)).ElementAt(1);
        Assert.AreEqual(3, resumed.History.Count, "epochs 1-2 come from the checkpoint, epoch 3 is trained again");
        for (int e = 0; e < 3; e++)
            Assert.AreEqual(straight.History[e].TrainLoss, resumed.History[e].TrainLoss, 0, $"epoch {e + 1} loss");
        Assert.AreEqual(straight.History[2].DevUa, resumed.History[2].DevUa);
        var resumedScores = Scores(resumed.Transform(_ml.Transforms.Conversion.MapValueToKey("Label").Fit(_features).Transform(_features)));
        for (int i = 0; i < straightScores.Count; i++) CollectionAssert.AreEqual(straightScores[i], resumedScores[i], "same final model");
    }

    [TestMethod]
    public void CrossvalWritesTheReportContract()
    {
        string dir = TestSupport.TempDir();
        var r = CliRunner.Run("crossval", "--corpus", $"iemocap:{_corpus}", "--epochs", "1", "--threads", "1", "--preset", "tiny", "--out", dir);
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        foreach (var f in new[] { "report.html", "report.md", "report.json" }) Assert.IsTrue(File.Exists(Path.Combine(dir, f)), f);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        var root = json.RootElement;
        var folds = root.GetProperty("folds").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "Session1", "Session2", "Session3", "Session4", "Session5" }, folds.Select(f => f.GetProperty("test_session").GetString()).ToArray());
        foreach (var part in folds.Append(root.GetProperty("mean")).Append(root.GetProperty("std")).Append(root.GetProperty("baseline").GetProperty("mean")))
            foreach (var m in new[] { "wa", "ua", "wf1" })
                Assert.IsTrue(part.GetProperty(m).GetDouble() is >= 0 and <= 1, $"{m} is a fraction");
        Assert.AreEqual(folds.Average(f => f.GetProperty("wa").GetDouble()), root.GetProperty("mean").GetProperty("wa").GetDouble(), 1e-12);
        var weights = root.GetProperty("block_weights").EnumerateArray().ToList();
        Assert.AreEqual(5, weights.Count, "one row of learned block weights per fold");
        foreach (var row in weights) Assert.AreEqual(1.0, row.EnumerateArray().Sum(w => w.GetDouble()), 1e-5);
        StringAssert.Contains(r.Stdout, "RSS after each fold");
    }

    [TestMethod]
    public void CudaRequestedWithoutCudaIsAClearError()
    {
        TorchRuntime.EnsureLoaded();
        if (TorchSharp.torch.cuda.is_available()) Assert.Inconclusive("this machine has CUDA");
        var options = Small();
        options.Device = "cuda";
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Pipeline(options).Fit(_features));
        StringAssert.Contains(e.Message, "CUDA is not available");
    }
}
