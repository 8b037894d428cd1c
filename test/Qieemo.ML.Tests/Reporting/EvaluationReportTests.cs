using System.Text.Json;
using Qieemo.ML.Reporting;

namespace Qieemo.ML.Tests.Reporting;

/// <summary>The report's data object: JSON contract, values taken from a real cross-validation, validation of the optional parts.</summary>
[TestClass]
public sealed class EvaluationReportTests
{
    private static readonly string[] Metrics = { "wa", "ua", "wf1" };

    [TestMethod]
    public void JsonHasTheContractFieldsWithTheCrossValidationsValues()
    {
        var report = ReportFixture.FullReport();
        var cv = ReportFixture.Model;
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;

        foreach (string field in new[] { "folds", "mean", "std", "baseline", "block_weights" })
            Assert.IsTrue(root.TryGetProperty(field, out _), $"report.json lacks '{field}'");

        var folds = root.GetProperty("folds");
        Assert.AreEqual(cv.Folds.Count, folds.GetArrayLength());
        for (int i = 0; i < cv.Folds.Count; i++)
        {
            var f = folds[i];
            var m = cv.Folds[i].Metrics;
            Assert.AreEqual(cv.Folds[i].TestSession, f.GetProperty("test_session").GetString());
            // Doubles are written round-trippable, so the values are exactly the result's.
            Assert.AreEqual(m.WeightedAccuracy, f.GetProperty("wa").GetDouble());
            Assert.AreEqual(m.UnweightedAccuracy, f.GetProperty("ua").GetDouble());
            Assert.AreEqual(m.WeightedF1, f.GetProperty("wf1").GetDouble());
        }
        AssertTriple(root.GetProperty("mean"), cv.Mean.WeightedAccuracy, cv.Mean.UnweightedAccuracy, cv.Mean.WeightedF1);
        AssertTriple(root.GetProperty("std"), cv.Std.WeightedAccuracy, cv.Std.UnweightedAccuracy, cv.Std.WeightedF1);
        var b = ReportFixture.Baseline.Mean;
        AssertTriple(root.GetProperty("baseline").GetProperty("mean"), b.WeightedAccuracy, b.UnweightedAccuracy, b.WeightedF1);

        // Independent check of the contract's meaning: mean and sample std (ddof = 1) of the per-fold values.
        for (int k = 0; k < 3; k++)
        {
            double[] v = Enumerable.Range(0, folds.GetArrayLength()).Select(i => folds[i].GetProperty(Metrics[k]).GetDouble()).ToArray();
            double mean = v.Average(), std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
            Assert.AreEqual(mean, root.GetProperty("mean").GetProperty(Metrics[k]).GetDouble(), 1e-12, Metrics[k]);
            Assert.AreEqual(std, root.GetProperty("std").GetProperty(Metrics[k]).GetDouble(), 1e-12, Metrics[k]);
        }

        var weights = root.GetProperty("block_weights");
        Assert.AreEqual(cv.Folds.Count, weights.GetArrayLength());
        for (int f = 0; f < cv.Folds.Count; f++)
            CollectionAssert.AreEqual(ReportFixture.SyntheticWeights(f), weights[f].EnumerateArray().Select(x => x.GetDouble()).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 6, 9, 12 }, root.GetProperty("block_indices").EnumerateArray().Select(x => x.GetInt32()).ToArray());
    }

    [TestMethod]
    public void ContractPartAgreesWithSessionCrossValidationResultToJson()
    {
        // The evaluation module's own JSON and the report's must say the same for the shared fields.
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model);
        using var ours = JsonDocument.Parse(report.ToJson());
        using var theirs = JsonDocument.Parse(ReportFixture.Model.ToJson());
        foreach (string field in new[] { "mean", "std" })
            foreach (string m in Metrics)
                Assert.AreEqual(theirs.RootElement.GetProperty(field).GetProperty(m).GetDouble(), ours.RootElement.GetProperty(field).GetProperty(m).GetDouble());
        var a = ours.RootElement.GetProperty("folds");
        var b = theirs.RootElement.GetProperty("folds");
        Assert.AreEqual(b.GetArrayLength(), a.GetArrayLength());
        for (int i = 0; i < a.GetArrayLength(); i++)
            foreach (var p in b[i].EnumerateObject())
                Assert.AreEqual(p.Value.GetRawText(), a[i].GetProperty(p.Name).GetRawText(), $"fold {i} {p.Name}");
    }

    [TestMethod]
    public void ContractObjectsHaveExactlyTheirNamesAndFractions()
    {
        using var doc = JsonDocument.Parse(ReportFixture.FullReport().ToJson());
        var root = doc.RootElement;
        foreach (var triple in new[] { root.GetProperty("mean"), root.GetProperty("std"), root.GetProperty("baseline").GetProperty("mean") })
        {
            CollectionAssert.AreEquivalent(Metrics, triple.EnumerateObject().Select(p => p.Name).ToArray());
            foreach (var p in triple.EnumerateObject()) Assert.IsTrue(p.Value.GetDouble() is >= 0 and <= 1, $"{p.Name} = {p.Value}");
        }
        foreach (var fold in root.GetProperty("folds").EnumerateArray())
            foreach (string m in Metrics)
                Assert.IsTrue(fold.GetProperty(m).GetDouble() is >= 0 and <= 1);
        // The learnable data set is learned: well above chance (25 %), and the 3-feature model beats the 1-feature baseline.
        Assert.IsGreaterThan(0.6, root.GetProperty("mean").GetProperty("ua").GetDouble());
        Assert.IsGreaterThan(root.GetProperty("baseline").GetProperty("mean").GetProperty("ua").GetDouble(),
            root.GetProperty("mean").GetProperty("ua").GetDouble());
    }

    [TestMethod]
    public void ReportWithoutOptionalPartsStillHasTheContractFields()
    {
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.AreEqual(JsonValueKind.Null, doc.RootElement.GetProperty("baseline").ValueKind);
        Assert.AreEqual(0, doc.RootElement.GetProperty("block_weights").GetArrayLength());
        Assert.AreEqual(ReportFixture.Model.Folds.Count, doc.RootElement.GetProperty("folds").GetArrayLength());
    }

    [TestMethod]
    public void FoldPooledAndConfusionPartsComeFromTheResult()
    {
        var cv = ReportFixture.Model;
        var report = EvaluationReport.FromCrossValidation(cv);
        CollectionAssert.AreEqual(cv.ClassNames.ToArray(), report.ClassNames);
        var summed = cv.ConfusionMatrix;
        for (int t = 0; t < cv.ClassNames.Count; t++)
            for (int p = 0; p < cv.ClassNames.Count; p++)
            {
                Assert.AreEqual(summed[t, p], report.ConfusionMatrix[t][p]);
                Assert.AreEqual(summed[t, p], report.Folds.Sum(f => f.ConfusionMatrix[t][p]), "fold matrices sum to the pooled one");
            }
        for (int i = 0; i < cv.Folds.Count; i++)
        {
            var f = report.Folds[i];
            Assert.AreEqual(cv.Folds[i].TrainCount, f.TrainCount);
            Assert.AreEqual(cv.Folds[i].DevCount, f.DevCount);
            Assert.AreEqual(cv.Folds[i].TestCount, f.TestCount);
            Assert.AreEqual(cv.Folds[i].DevMetrics!.UnweightedAccuracy, f.Dev!.Ua);
            for (int c = 0; c < cv.ClassNames.Count; c++)
            {
                var expected = cv.Folds[i].Metrics.PerClass[c];
                Assert.AreEqual(expected.Recall, f.PerClass[c].Recall);
                Assert.AreEqual(expected.Precision, f.PerClass[c].Precision);
                Assert.AreEqual(expected.Support, f.PerClass[c].Support);
            }
        }
        Assert.AreEqual(cv.Pooled.UnweightedAccuracy, report.Pooled!.Ua);
        Assert.AreEqual(cv.Pooled.Count, report.Pooled.Count);
        Assert.AreEqual(cv.PopulationStd.WeightedAccuracy, report.PopulationStd!.Wa);
        // Derived dataset summary when none is given.
        Assert.AreEqual(cv.Pooled.Count, report.Dataset!.Utterances);
        Assert.AreEqual(cv.Folds[0].TestCount, report.Dataset.Sessions[cv.Folds[0].TestSession]);
    }

    [TestMethod]
    public void DatasetSummaryCountsSessionsLabelsAndSpeakers()
    {
        var rows = ReportFixture.MakeRows();
        var d = DatasetSummary.FromDataView("x", null, ReportFixture.Data, speakerColumnName: "Speaker");
        Assert.AreEqual(rows.Count, d.Utterances);
        Assert.AreEqual(rows.Select(r => r.Speaker).Distinct().Count(), d.Speakers);
        foreach (var g in rows.GroupBy(r => r.Session)) Assert.AreEqual(g.Count(), d.Sessions[g.Key]);
        foreach (var g in rows.GroupBy(r => r.Label)) Assert.AreEqual(g.Count(), d.Labels[g.Key]);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => DatasetSummary.FromDataView("x", null, ReportFixture.Data, speakerColumnName: "Spk"));
        StringAssert.Contains(ex.Message, "'Spk'");
    }

    [TestMethod]
    public void JsonRoundTrips()
    {
        var report = ReportFixture.FullReport();
        string json = report.ToJson();
        var back = EvaluationReport.FromJson(json);
        Assert.AreEqual(json, back.ToJson());
        Assert.AreEqual(report.LearningCurves[2].Points[5], back.LearningCurves[2].Points[5]);
        Assert.AreEqual("LbfgsMaximumEntropy", ((JsonElement)back.Configuration["trainer"]!).GetString());
    }

    [TestMethod]
    public void BadJsonIsRejectedWithTheSourceInTheMessage()
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => EvaluationReport.FromJson("{\"folds\": [1, 2]}", "results/report.json"));
        StringAssert.Contains(ex.Message, "results/report.json");
        ex = Assert.ThrowsExactly<InvalidDataException>(() => EvaluationReport.FromJson("{\"folds\": []}", "empty.json"));
        StringAssert.Contains(ex.Message, "no folds");
        ex = Assert.ThrowsExactly<InvalidDataException>(() => EvaluationReport.FromJson("{\"mean\": {\"wa\": 0.5, \"ua\": 0.4, \"wf1\": 0.3", "cut.json"));
        StringAssert.Contains(ex.Message, "cut.json");
    }

    [TestMethod]
    public void OptionalPartsAreValidated()
    {
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model);
        int folds = report.Folds.Count;
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            report.SetBlockWeights(Enumerable.Range(0, folds - 1).Select(f => (IReadOnlyList<double>)ReportFixture.SyntheticWeights(f)).ToList()));
        StringAssert.Contains(ex.Message, $"{folds} folds");
        Assert.ThrowsExactly<ArgumentException>(() =>
            report.SetBlockWeights(Enumerable.Range(0, folds).Select(f => (IReadOnlyList<double>)new[] { 0.5, f == 2 ? double.NaN : 0.5 }).ToList()));
        Assert.ThrowsExactly<ArgumentException>(() =>
            report.SetBlockWeights(Enumerable.Range(0, folds).Select(f => (IReadOnlyList<double>)new double[f == 1 ? 3 : 2]).ToList()));
        Assert.ThrowsExactly<ArgumentException>(() =>
            report.SetBlockWeights(Enumerable.Range(0, folds).Select(f => (IReadOnlyList<double>)new double[2]).ToList(), new[] { 4, 4 }));
        Assert.AreEqual(0, report.BlockWeights.Length, "a rejected call changes nothing");

        ex = Assert.ThrowsExactly<ArgumentException>(() => report.AddLearningCurve("Session9", ReportFixture.SyntheticCurve(0)));
        StringAssert.Contains(ex.Message, "Session9");
        ex = Assert.ThrowsExactly<ArgumentException>(() => report.AddLearningCurve("Session1",
            new[] { new LearningCurvePoint(1, 1.0), new LearningCurvePoint(3, 0.9), new LearningCurvePoint(2, 0.8) }));
        StringAssert.Contains(ex.Message, "epoch 2");
        ex = Assert.ThrowsExactly<ArgumentException>(() => new LearningCurvePoint(4, 0.5, devLoss: double.PositiveInfinity));
        StringAssert.Contains(ex.Message, "epoch 4");
        Assert.ThrowsExactly<ArgumentException>(() => new MetricValues(0.5, double.NaN, 0.5));
        Assert.ThrowsExactly<ArgumentException>(() => report.AddTiming("train", -1));
        Assert.ThrowsExactly<ArgumentException>(() => report.AddBlockProbe(-1, new MetricValues(0, 0, 0), new MetricValues(0, 0, 0)));

        // Direct property edits are caught when the report is written.
        report.BlockWeights = new[] { new[] { 1.0 } };
        Assert.ThrowsExactly<InvalidOperationException>(() => report.ToJson());
    }

    [TestMethod]
    public void LearningCurvesAndProbesKeepFoldAndBlockOrder()
    {
        var report = EvaluationReport.FromCrossValidation(ReportFixture.Model);
        var sessions = report.Folds.Select(f => f.TestSession).ToArray();
        foreach (string s in sessions.Reverse()) report.AddLearningCurve(s, ReportFixture.SyntheticCurve(0, 3));
        report.AddLearningCurve(sessions[1], ReportFixture.SyntheticCurve(1, 5)); // replaces
        CollectionAssert.AreEqual(sessions, report.LearningCurves.Select(c => c.TestSession).ToArray());
        Assert.AreEqual(5, report.LearningCurves[1].Points.Count);
        report.AddBlockProbe(7, new MetricValues(0.5, 0.5, 0.5), new MetricValues(0, 0, 0))
              .AddBlockProbe(2, new MetricValues(0.6, 0.6, 0.6), new MetricValues(0, 0, 0));
        CollectionAssert.AreEqual(new[] { 2, 7 }, report.BlockProbes.Select(p => p.Block).ToArray());
    }

    private static void AssertTriple(JsonElement e, double wa, double ua, double wf1)
    {
        Assert.AreEqual(wa, e.GetProperty("wa").GetDouble());
        Assert.AreEqual(ua, e.GetProperty("ua").GetDouble());
        Assert.AreEqual(wf1, e.GetProperty("wf1").GetDouble());
    }
}
