using System.Text.Json;
using Microsoft.ML;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Tests.Evaluation;

/// <summary>EmotionMetrics against scikit-learn (test/reference/evaluation_make_fixtures.py).</summary>
[TestClass]
public sealed class EmotionMetricsTests
{
    private const double Tol = 1e-9;

    private static readonly Lazy<Dictionary<string, JsonElement>> Fixtures = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("evaluation", "metrics_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    });

    public static IEnumerable<object[]> CaseNames()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestSupport.TestData("evaluation", "metrics_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! }).ToList();
    }

    private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static string[] Names(int k) => Enumerable.Range(0, k).Select(i => $"c{i}").ToArray();

    [TestMethod]
    public void FixturesCoverTheRequiredCases()
    {
        Assert.IsGreaterThanOrEqualTo(13, Fixtures.Value.Count);
        foreach (var name in new[] { "imbalanced", "class_never_predicted", "class_predicted_never_true", "perfect", "all_predicted_one_class" })
            Assert.IsTrue(Fixtures.Value.ContainsKey(name), name);
    }

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void MatchesSklearn(string caseName)
    {
        var c = Fixtures.Value[caseName];
        int k = c.GetProperty("classes").GetInt32();
        var m = EmotionMetrics.Compute(Ints(c, "y_true"), Ints(c, "y_pred"), Names(k));
        AssertMatches(c, m, k, caseName);
    }

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void FromConfusionMatrixMatchesSklearn(string caseName)
    {
        var c = Fixtures.Value[caseName];
        int k = c.GetProperty("classes").GetInt32();
        var cm = new long[k, k];
        var rows = c.GetProperty("confusion").EnumerateArray().ToArray();
        for (int t = 0; t < k; t++)
        {
            var cols = rows[t].EnumerateArray().ToArray();
            for (int p = 0; p < k; p++) cm[t, p] = cols[p].GetInt64();
        }
        AssertMatches(c, EmotionMetrics.FromConfusionMatrix(cm, Names(k)), k, caseName);
    }

    private static void AssertMatches(JsonElement c, EmotionMetrics m, int k, string name)
    {
        Assert.AreEqual(Ints(c, "y_true").Length, m.Count, name);
        Assert.AreEqual(c.GetProperty("wa").GetDouble(), m.WeightedAccuracy, Tol, $"{name} WA");
        Assert.AreEqual(c.GetProperty("ua").GetDouble(), m.UnweightedAccuracy, Tol, $"{name} UA");
        Assert.AreEqual(c.GetProperty("macro_recall").GetDouble(), m.MacroRecall, Tol, $"{name} macro recall");
        Assert.AreEqual(c.GetProperty("wf1").GetDouble(), m.WeightedF1, Tol, $"{name} WF1");
        Assert.AreEqual(c.GetProperty("macro_f1").GetDouble(), m.MacroF1, Tol, $"{name} macro F1");
        double[] precision = Doubles(c, "precision"), recall = Doubles(c, "recall"), f1 = Doubles(c, "f1");
        int[] support = Ints(c, "support");
        Assert.HasCount(k, m.PerClass);
        for (int i = 0; i < k; i++)
        {
            Assert.AreEqual($"c{i}", m.PerClass[i].Name);
            Assert.AreEqual(precision[i], m.PerClass[i].Precision, Tol, $"{name} precision[{i}]");
            Assert.AreEqual(recall[i], m.PerClass[i].Recall, Tol, $"{name} recall[{i}]");
            Assert.AreEqual(f1[i], m.PerClass[i].F1, Tol, $"{name} f1[{i}]");
            Assert.AreEqual(support[i], m.PerClass[i].Support, $"{name} support[{i}]");
        }
        var confusion = c.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var cm = m.ConfusionMatrix;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
            {
                Assert.AreEqual(confusion[t][p], cm[t, p], $"{name} confusion[{t},{p}]");
                Assert.AreEqual(confusion[t][p], m.Confusion(t, p));
            }
    }

    [TestMethod]
    public void UaDiffersFromMacroRecallOnlyWhenAClassIsAbsentFromTheTruth()
    {
        // Class 1 never true: UA averages the 2 present classes, sklearn's labels=all macro recall all 3.
        var m = EmotionMetrics.Compute(new[] { 0, 0, 2, 2 }, new[] { 0, 1, 2, 2 }, new[] { "a", "b", "c" });
        Assert.AreEqual((0.5 + 1.0) / 2, m.UnweightedAccuracy, Tol);
        Assert.AreEqual((0.5 + 0 + 1.0) / 3, m.MacroRecall, Tol);
        Assert.AreEqual(0, m.PerClass[1].Precision);
        Assert.AreEqual(1, m.PerClass[1].PredictedCount);
    }

    [TestMethod]
    public void BadInputThrows()
    {
        string[] names = { "a", "b" };
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.Compute(new[] { 0, 1 }, new[] { 0 }, names));
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.Compute(Array.Empty<int>(), Array.Empty<int>(), names));
        var e = Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.Compute(new[] { 0, 2 }, new[] { 0, 1 }, names));
        StringAssert.Contains(e.Message, "truth[1] = 2");
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.Compute(new[] { 0, 1 }, new[] { -1, 1 }, names));
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.Compute(new[] { 0 }, new[] { 0 }, new[] { "a", "a" }));
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.FromConfusionMatrix(new long[2, 3], names));
        Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.FromConfusionMatrix(new long[2, 2], names));
    }

    private sealed class Scored
    {
        public string Label = "";
        public string Pred = "";
    }

    private sealed class KeyValue
    {
        public string Value = "";
    }

    private static readonly string[] Emotions = { "neu", "ang", "sad", "hap" };

    /// <summary>A fixture case as text rows; class i is Emotions[i], so the first-occurrence key order differs from index order.</summary>
    private static (Scored[] rows, JsonElement c) TextRows(string caseName)
    {
        var c = Fixtures.Value[caseName];
        int[] t = Ints(c, "y_true"), p = Ints(c, "y_pred");
        return (t.Select((v, i) => new Scored { Label = Emotions[v], Pred = Emotions[p[i]] }).ToArray(), c);
    }

    [TestMethod]
    public void FromScoredDataReadsKeyColumnsByKeyValueName()
    {
        var ml = new MLContext(seed: 1);
        var (rows, c) = TextRows("random_seed4_n1031");
        var data = ml.Data.LoadFromEnumerable(rows);
        // Keys by occurrence: the key order is the order labels first appear, not Emotions' order.
        var scored = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Pred", keyData: ml.Data.LoadFromEnumerable(
                Emotions.Reverse().Select(e => new KeyValue { Value = e }))))
            .Fit(data).Transform(data);

        // PredictedLabel's key order (hap, sad, ang, neu) differs from Label's: rows must be matched by name.
        var m = EmotionMetrics.FromScoredData(scored, "Label", "PredictedLabel");
        var keyOrder = rows.Select(r => r.Label).Distinct().ToArray();
        CollectionAssert.AreEqual(keyOrder, m.ClassNames.ToArray());
        AssertSameAsFixtureByName(c, m);
    }

    [TestMethod]
    public void FromScoredDataReadsTextColumnsInSortedOrder()
    {
        var ml = new MLContext(seed: 1);
        var (rows, c) = TextRows("class_predicted_never_true");
        var m = EmotionMetrics.FromScoredData(ml.Data.LoadFromEnumerable(rows), "Label", "Pred");
        CollectionAssert.AreEqual(Emotions.Order(StringComparer.Ordinal).ToArray(), m.ClassNames.ToArray());
        AssertSameAsFixtureByName(c, m);
    }

    [TestMethod]
    public void FromScoredDataWithKeyLabelAndTextPrediction()
    {
        var ml = new MLContext(seed: 1);
        var (rows, c) = TextRows("class_never_predicted");
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var m = EmotionMetrics.FromScoredData(scored, predictedLabelColumn: "Pred");
        AssertSameAsFixtureByName(c, m);
    }

    private static void AssertSameAsFixtureByName(JsonElement c, EmotionMetrics m)
    {
        Assert.AreEqual(c.GetProperty("wa").GetDouble(), m.WeightedAccuracy, Tol);
        Assert.AreEqual(c.GetProperty("ua").GetDouble(), m.UnweightedAccuracy, Tol);
        Assert.AreEqual(c.GetProperty("wf1").GetDouble(), m.WeightedF1, Tol);
        double[] recall = Doubles(c, "recall"), precision = Doubles(c, "precision");
        var confusion = c.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        for (int i = 0; i < Emotions.Length; i++)
        {
            int mi = m.ClassNames.ToList().IndexOf(Emotions[i]);
            Assert.AreEqual(recall[i], m.PerClass[mi].Recall, Tol, Emotions[i]);
            Assert.AreEqual(precision[i], m.PerClass[mi].Precision, Tol, Emotions[i]);
            for (int j = 0; j < Emotions.Length; j++)
                Assert.AreEqual(confusion[i][j], m.Confusion(mi, m.ClassNames.ToList().IndexOf(Emotions[j])));
        }
    }

    [TestMethod]
    public void FromScoredDataRejectsMissingLabelsAndColumns()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(new[] { new Scored { Label = "ang" }, new Scored { Label = "sad" } });
        var test = ml.Data.LoadFromEnumerable(new[]
        {
            new Scored { Label = "ang", Pred = "ang" }, new Scored { Label = "hap", Pred = "sad" },
        });
        // "hap" was not seen when the key mapping was fitted: its key is 0 (missing).
        var scored = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(test);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EmotionMetrics.FromScoredData(scored, "Label", "Pred"));
        StringAssert.Contains(e.Message, "Row 1 of column 'Label'");

        var a = Assert.ThrowsExactly<ArgumentException>(() => EmotionMetrics.FromScoredData(scored, "Label", "NoSuchColumn"));
        StringAssert.Contains(a.Message, "NoSuchColumn");
    }
}
