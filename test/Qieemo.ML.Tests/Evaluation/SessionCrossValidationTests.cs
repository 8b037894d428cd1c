using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Tests.Evaluation;

/// <summary>Leave-one-session-out cross-validation on a small synthetic, learnable in-memory data set.</summary>
[TestClass]
public sealed class SessionCrossValidationTests
{
    private static readonly string[] Emotions = { "neu", "ang", "sad", "hap" };

    private sealed class Utterance
    {
        public int Id;
        public string Session = "";
        public string Speaker = "";
        public string Label = "";
        public float F0, F1, F2;
    }

    private sealed class IdSession
    {
        public int Id { get; set; }
        public string Session { get; set; } = "";
    }

    private sealed class ScoredName
    {
        public int Id { get; set; }
        public string Session { get; set; } = "";
        public string PredictedName { get; set; } = "";
    }

    private sealed class KeyValue
    {
        public string Value = "";
    }

    /// <summary>
    /// 5 sessions of different sizes, 2 speakers each; class c is centred at a distinct point of R^3
    /// with unit noise, so a linear model learns it well but not perfectly. Each session starts with
    /// a different label so that MapValueToKey (by occurrence) orders keys differently per fold.
    /// </summary>
    private static List<Utterance> MakeData(int sessions = 5, int seed = 42)
    {
        var rng = new Random(seed);
        int[] sizes = { 30, 41, 37, 52, 26, 33 };
        float[][] centres = { new[] { 0f, 0f, 0f }, new[] { 3f, 0f, 1f }, new[] { 0f, 3f, -1f }, new[] { 3f, 3f, 2f } };
        var rows = new List<Utterance>();
        int id = 0;
        // Sessions listed out of order on purpose: folds must still be ordered Session1..Session5.
        foreach (int s in Enumerable.Range(1, sessions).OrderBy(s => (s * 3) % sessions))
        {
            for (int i = 0; i < sizes[s - 1]; i++)
            {
                int c = i < 4 ? (i + s) % 4 : rng.Next(4);
                rows.Add(new Utterance
                {
                    Id = id++,
                    Session = $"Session{s}",
                    Speaker = $"Ses{s}{(rng.Next(2) == 0 ? 'F' : 'M')}",
                    Label = Emotions[c],
                    F0 = centres[c][0] + Gaussian(rng),
                    F1 = centres[c][1] + Gaussian(rng),
                    F2 = centres[c][2] + Gaussian(rng),
                });
            }
        }
        return rows;
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    private static IEstimator<ITransformer> Lbfgs(MLContext ml, bool mapBack = true)
    {
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Concatenate("Features", "F0", "F1", "F2"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        return mapBack ? pipeline.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")) : pipeline;
    }

    private static int[] Ids(MLContext ml, IDataView view) =>
        ml.Data.CreateEnumerable<IdSession>(view, reuseRowObject: false).Select(r => r.Id).ToArray();

    private static string[] SessionsOf(MLContext ml, IDataView view) =>
        ml.Data.CreateEnumerable<IdSession>(view, reuseRowObject: false).Select(r => r.Session).Distinct().ToArray();

    [TestMethod]
    public void EachFoldHoldsOutExactlyOneSession()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeData();
        var data = ml.Data.LoadFromEnumerable(rows);
        var seen = new List<SessionFold>();
        var result = ml.MulticlassClassification.CrossValidateBySession(data, fold => { seen.Add(fold); return Lbfgs(ml); });

        string[] expected = { "Session1", "Session2", "Session3", "Session4", "Session5" };
        CollectionAssert.AreEqual(expected, result.Folds.Select(f => f.TestSession).ToArray());
        CollectionAssert.AreEqual(expected, seen.Select(f => f.TestSession).ToArray());
        for (int i = 0; i < expected.Length; i++)
        {
            var fold = result.Folds[i];
            string held = expected[i];
            int[] sessionIds = rows.Where(r => r.Session == held).Select(r => r.Id).ToArray();
            int[] otherIds = rows.Where(r => r.Session != held).Select(r => r.Id).ToArray();

            // Test rows are exactly the held-out session, scored and unscored.
            CollectionAssert.AreEquivalent(sessionIds, Ids(ml, fold.TestData));
            CollectionAssert.AreEquivalent(sessionIds, Ids(ml, fold.ScoredTest));
            Assert.AreEqual(sessionIds.Length, fold.TestCount);
            Assert.AreEqual(sessionIds.Length, fold.Metrics.Count);

            // Train and dev partition the other sessions; neither contains the held-out one.
            int[] train = Ids(ml, seen[i].Train), dev = Ids(ml, seen[i].Dev!);
            CollectionAssert.AreEquivalent(otherIds, train.Concat(dev).ToArray());
            Assert.AreEqual(0, train.Intersect(dev).Count());
            CollectionAssert.DoesNotContain(SessionsOf(ml, seen[i].Train), held);
            CollectionAssert.DoesNotContain(SessionsOf(ml, seen[i].Dev!), held);
            CollectionAssert.AreEquivalent(expected.Where(s => s != held).ToArray(), seen[i].TrainSessions.ToArray());
            Assert.AreEqual(train.Length, fold.TrainCount);
            Assert.AreEqual(dev.Length, fold.DevCount);
            Assert.AreEqual(train.Length, seen[i].Train.GetRowCount());

            // Dev = round(0.2 x training-session rows), stratified: each label within one row of its share.
            Assert.AreEqual((int)Math.Round(0.2 * otherIds.Length, MidpointRounding.AwayFromZero), dev.Length);
            foreach (string emotion in Emotions)
            {
                int inSessions = rows.Count(r => r.Session != held && r.Label == emotion);
                int inDev = dev.Count(id => rows[id].Label == emotion);
                Assert.AreEqual(0.2 * inSessions, inDev, 1.0, $"{held} {emotion}");
            }
            Assert.IsNotNull(fold.DevMetrics);
            Assert.AreEqual(dev.Length, fold.DevMetrics.Count);
        }
        // Every row is tested exactly once.
        Assert.AreEqual(rows.Count, result.Folds.Sum(f => f.TestCount));
        Assert.AreEqual(rows.Count, result.Pooled.Count);
    }

    [TestMethod]
    public void DevSplitIsReproducibleWithTheSeed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeData());
        List<int[]> DevIds(int seed)
        {
            var devs = new List<int[]>();
            ml.MulticlassClassification.CrossValidateBySession(data, fold => { devs.Add(Ids(ml, fold.Dev!)); return Lbfgs(ml); },
                options: new SessionCrossValidationOptions { Seed = seed });
            return devs;
        }
        var a = DevIds(7);
        var b = DevIds(7);
        var c = DevIds(8);
        for (int i = 0; i < a.Count; i++) CollectionAssert.AreEqual(a[i], b[i]);
        Assert.IsTrue(Enumerable.Range(0, a.Count).Any(i => !a[i].SequenceEqual(c[i])), "another seed should draw another dev split");
    }

    [TestMethod]
    public void NoDevSplitWhenDevFractionIsZero()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeData();
        var result = ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(rows), Lbfgs(ml),
            options: new SessionCrossValidationOptions { DevFraction = 0 });
        foreach (var fold in result.Folds)
        {
            Assert.AreEqual(0, fold.DevCount);
            Assert.IsNull(fold.DevData);
            Assert.IsNull(fold.DevMetrics);
            Assert.AreEqual(rows.Count - fold.TestCount, fold.TrainCount);
        }
    }

    [TestMethod]
    public void SpeakerDevSplitHoldsOutWholeSpeakersOfTrainingSessions()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeData();
        var seen = new List<SessionFold>();
        ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(rows), fold => { seen.Add(fold); return Lbfgs(ml); },
            options: new SessionCrossValidationOptions { DevSplitBy = DevSplitMode.Speaker, Seed = 3 });
        foreach (var fold in seen)
        {
            var trainSpeakers = Ids(ml, fold.Train).Select(id => rows[id].Speaker).ToHashSet();
            var dev = Ids(ml, fold.Dev!);
            var devSpeakers = dev.Select(id => rows[id].Speaker).ToHashSet();
            Assert.IsNotEmpty(devSpeakers);
            Assert.IsFalse(trainSpeakers.Overlaps(devSpeakers), $"fold {fold.TestSession}: a speaker is in both train and dev");
            Assert.IsTrue(dev.All(id => rows[id].Session != fold.TestSession));
            int trainingRows = rows.Count(r => r.Session != fold.TestSession);
            // Greedy whole-speaker choice: within one (largest) speaker of the 20% target.
            int largestSpeaker = rows.Where(r => r.Session != fold.TestSession).GroupBy(r => r.Speaker).Max(g => g.Count());
            Assert.AreEqual(0.2 * trainingRows, dev.Length, largestSpeaker);
        }
    }

    [TestMethod]
    public void LbfgsPipelineLearnsAndMetricsMatchThePredictions()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeData();
        var result = ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(rows), Lbfgs(ml));

        var sorted = Emotions.Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(sorted, result.ClassNames.ToArray());
        var pooledTruth = new List<int>();
        var pooledPred = new List<int>();
        var summed = new long[4, 4];
        foreach (var fold in result.Folds)
        {
            CollectionAssert.AreEqual(sorted, fold.Metrics.ClassNames.ToArray());
            // Recompute from the scored rows, read with ML.NET's own CreateEnumerable.
            var scored = ml.Data.CreateEnumerable<ScoredName>(
                ml.Transforms.CopyColumns("PredictedName", "PredictedLabel").Fit(fold.ScoredTest).Transform(fold.ScoredTest),
                reuseRowObject: false).ToList();
            int[] t = scored.Select(s => Array.IndexOf(sorted, rows[s.Id].Label)).ToArray();
            int[] p = scored.Select(s => Array.IndexOf(sorted, s.PredictedName)).ToArray();
            Assert.AreEqual(t.Zip(p).Count(x => x.First == x.Second) / (double)t.Length, fold.Metrics.WeightedAccuracy, 1e-12);
            var expected = EmotionMetrics.Compute(t, p, sorted);
            Assert.AreEqual(expected.UnweightedAccuracy, fold.Metrics.UnweightedAccuracy, 1e-12);
            Assert.AreEqual(expected.WeightedF1, fold.Metrics.WeightedF1, 1e-12);
            pooledTruth.AddRange(t);
            pooledPred.AddRange(p);
            for (int a = 0; a < 4; a++)
                for (int b = 0; b < 4; b++) summed[a, b] += fold.Metrics.Confusion(a, b);
            Assert.IsGreaterThan(0.75, fold.Metrics.UnweightedAccuracy, $"{fold.TestSession}: the synthetic classes are separable");
        }
        Console.WriteLine(result.ToJson());
        Console.WriteLine(result.Pooled);
        CollectionAssert.AreEqual(summed, result.ConfusionMatrix);
        var pooled = EmotionMetrics.Compute(pooledTruth, pooledPred, sorted);
        Assert.AreEqual(pooled.WeightedAccuracy, result.Pooled.WeightedAccuracy, 1e-12);
        Assert.AreEqual(pooled.UnweightedAccuracy, result.Pooled.UnweightedAccuracy, 1e-12);
        Assert.AreEqual(pooled.WeightedF1, result.Pooled.WeightedF1, 1e-12);
    }

    [TestMethod]
    public void SdcaPipelineWithKeyTypedPredictionsAndPerFoldKeyOrders()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeData();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Concatenate("Features", "F0", "F1", "F2"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 50));
        var result = ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(rows), pipeline);

        // MapValueToKey fitted per fold orders keys by first occurrence, which differs between folds here.
        var keyOrders = result.Folds.Select(f =>
        {
            VBuffer<ReadOnlyMemory<char>> keys = default;
            f.ScoredTest.Schema["PredictedLabel"].GetKeyValues(ref keys);
            return string.Join(",", keys.DenseValues());
        }).Distinct().ToList();
        Assert.IsGreaterThan(1, keyOrders.Count, "the test data should give folds different key orders");

        var sorted = Emotions.Order(StringComparer.Ordinal).ToArray();
        foreach (var fold in result.Folds)
        {
            Assert.IsTrue(fold.ScoredTest.Schema["PredictedLabel"].Type is KeyDataViewType);
            var named = ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(fold.ScoredTest).Transform(fold.ScoredTest);
            var scored = ml.Data.CreateEnumerable<ScoredName>(named, reuseRowObject: false).ToList();
            var expected = EmotionMetrics.Compute(
                scored.Select(s => Array.IndexOf(sorted, rows[s.Id].Label)).ToArray(),
                scored.Select(s => Array.IndexOf(sorted, s.PredictedName)).ToArray(), sorted);
            CollectionAssert.AreEqual(expected.ConfusionMatrix, fold.Metrics.ConfusionMatrix, fold.TestSession);
            Assert.IsGreaterThan(0.75, fold.Metrics.UnweightedAccuracy, fold.TestSession);
        }
    }

    [TestMethod]
    public void MeanAndStdAreNumpys()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(MakeData()), Lbfgs(ml),
            options: new SessionCrossValidationOptions { DevFraction = 0 });
        void Check(Func<EmotionMetrics, double> metric, Func<MetricSummary, double> summary)
        {
            double[] x = result.Folds.Select(f => metric(f.Metrics)).ToArray();
            // numpy.mean, numpy.std(ddof=1) and numpy.std(ddof=0), by hand.
            double mean = x.Sum() / x.Length;
            double ss = x.Sum(v => (v - mean) * (v - mean));
            Assert.AreEqual(mean, summary(result.Mean), 1e-12);
            Assert.AreEqual(Math.Sqrt(ss / (x.Length - 1)), summary(result.Std), 1e-12);
            Assert.AreEqual(Math.Sqrt(ss / x.Length), summary(result.PopulationStd), 1e-12);
            Assert.IsGreaterThan(0, summary(result.Std), "folds should differ");
        }
        Check(m => m.WeightedAccuracy, s => s.WeightedAccuracy);
        Check(m => m.UnweightedAccuracy, s => s.UnweightedAccuracy);
        Check(m => m.WeightedF1, s => s.WeightedF1);
    }

    [TestMethod]
    public void ToJsonHasExactlyTheAgreedFields()
    {
        var ml = new MLContext(seed: 1);
        var result = ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(MakeData()), Lbfgs(ml));
        foreach (bool indented in new[] { true, false })
        {
            using var doc = JsonDocument.Parse(result.ToJson(indented));
            var root = doc.RootElement;
            CollectionAssert.AreEqual(new[] { "folds", "mean", "std" }, root.EnumerateObject().Select(p => p.Name).ToArray());
            var folds = root.GetProperty("folds").EnumerateArray().ToArray();
            Assert.HasCount(5, folds);
            for (int i = 0; i < folds.Length; i++)
            {
                CollectionAssert.AreEqual(new[] { "test_session", "wa", "ua", "wf1" }, folds[i].EnumerateObject().Select(p => p.Name).ToArray());
                var m = result.Folds[i].Metrics;
                Assert.AreEqual($"Session{i + 1}", folds[i].GetProperty("test_session").GetString());
                Assert.AreEqual(m.WeightedAccuracy, folds[i].GetProperty("wa").GetDouble());
                Assert.AreEqual(m.UnweightedAccuracy, folds[i].GetProperty("ua").GetDouble());
                Assert.AreEqual(m.WeightedF1, folds[i].GetProperty("wf1").GetDouble());
                Assert.IsTrue(m.WeightedAccuracy is > 0 and <= 1, "fractions, not percentages");
            }
            foreach (var (name, summary) in new[] { ("mean", result.Mean), ("std", result.Std) })
            {
                var o = root.GetProperty(name);
                CollectionAssert.AreEqual(new[] { "wa", "ua", "wf1" }, o.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.AreEqual(summary.WeightedAccuracy, o.GetProperty("wa").GetDouble());
                Assert.AreEqual(summary.UnweightedAccuracy, o.GetProperty("ua").GetDouble());
                Assert.AreEqual(summary.WeightedF1, o.GetProperty("wf1").GetDouble());
            }
        }
    }

    [TestMethod]
    public void ProgressIsReportedPerFold()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<FoldProgress>();
        ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(MakeData(sessions: 3)), Lbfgs(ml),
            options: new SessionCrossValidationOptions { Progress = new SyncProgress(reports.Add) });
        Assert.HasCount(9, reports);
        for (int i = 0; i < 3; i++)
        {
            CollectionAssert.AreEqual(new[] { FoldStage.Training, FoldStage.Evaluating, FoldStage.Completed },
                reports.Skip(3 * i).Take(3).Select(r => r.Stage).ToArray());
            Assert.IsTrue(reports.Skip(3 * i).Take(3).All(r => r.FoldIndex == i && r.FoldCount == 3 && r.TestSession == $"Session{i + 1}"));
            Assert.IsNotNull(reports[3 * i + 2].Metrics);
        }
    }

    private sealed class SyncProgress(Action<FoldProgress> report) : IProgress<FoldProgress>
    {
        public void Report(FoldProgress value) => report(value);
    }

    [TestMethod]
    public void SingleSessionIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(MakeData(sessions: 1)), Lbfgs(ml)));
        StringAssert.Contains(e.Message, "at least 2 sessions");
        StringAssert.Contains(e.Message, "Session1");
    }

    [TestMethod]
    public void MissingSessionColumnIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.MulticlassClassification.CrossValidateBySession(ml.Data.LoadFromEnumerable(MakeData()), Lbfgs(ml), sessionColumnName: "Sess"));
        StringAssert.Contains(e.Message, "'Sess'");
    }

    [TestMethod]
    public void SessionKeyWithoutRowsIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeData());
        var sessionKeys = ml.Data.LoadFromEnumerable(Enumerable.Range(1, 6).Select(s => new KeyValue { Value = $"Session{s}" }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Session", keyData: sessionKeys).Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.MulticlassClassification.CrossValidateBySession(keyed, Lbfgs(ml)));
        StringAssert.Contains(e.Message, "Session6");
        StringAssert.Contains(e.Message, "no rows");
    }

    [TestMethod]
    public void InvalidDevFractionIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeData());
        foreach (double f in new[] { -0.1, 1.0, double.NaN })
            Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.CrossValidateBySession(data, Lbfgs(ml),
                options: new SessionCrossValidationOptions { DevFraction = f }));
    }

    [TestMethod]
    public void MlNetCrossValidationSplitDoesNotGiveOneSessionPerFold()
    {
        // Why CrossValidateBySession exists: ML.NET hashes the sampling key into fold ranges.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeData());
        var perSeed = new List<string>();
        for (int seed = 0; seed < 5; seed++)
        {
            var folds = ml.Data.CrossValidationSplit(data, numberOfFolds: 5, samplingKeyColumnName: "Session", seed: seed);
            perSeed.Add(string.Join(" | ", folds.Select(f => string.Join(",", SessionsOf(ml, f.TestSet).Order()))));
        }
        Console.WriteLine(string.Join("\n", perSeed));
        Assert.IsTrue(perSeed.All(p => p.Split(" | ").Any(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries).Length != 1)),
            "ML.NET's CrossValidationSplit was expected to give some fold 0 or 2+ sessions for every seed (pinned Microsoft.ML 5.0.1)");
    }
}
