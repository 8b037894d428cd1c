using Microsoft.ML;
using Qieemo.ML.Evaluation;
using Qieemo.ML.Reporting;

namespace Qieemo.ML.Tests.Reporting;

/// <summary>
/// Real leave-one-session-out cross-validations on a small learnable in-memory data set (4 sessions,
/// 4 emotions, 3 features), computed once and shared: the model (all features), a weaker classical
/// baseline (one feature), an ablation (two features) and a probe per single feature ("block").
/// Learning curves and block weights are synthetic: they come from training runs this data set has none of.
/// </summary>
internal static class ReportFixture
{
    public static readonly string[] Emotions = { "neu", "ang", "sad", "hap" };

    public sealed class Utterance
    {
        public string Session = "";
        public string Speaker = "";
        public string Label = "";
        public float F0, F1, F2;
    }

    private static readonly Lazy<Fixture> Shared = new(Build);

    public static MLContext Ml => Shared.Value.Ml;
    public static IDataView Data => Shared.Value.Data;
    public static SessionCrossValidationResult Model => Shared.Value.Model;
    public static SessionCrossValidationResult Baseline => Shared.Value.Baseline;
    public static SessionCrossValidationResult Ablation => Shared.Value.Ablation;
    public static IReadOnlyList<SessionCrossValidationResult> Probes => Shared.Value.Probes;

    public sealed record Fixture(MLContext Ml, IDataView Data, SessionCrossValidationResult Model, SessionCrossValidationResult Baseline,
        SessionCrossValidationResult Ablation, IReadOnlyList<SessionCrossValidationResult> Probes);

    private static Fixture Build()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeRows());
        SessionCrossValidationResult Cv(params string[] features) =>
            ml.MulticlassClassification.CrossValidateBySession(data, Lbfgs(ml, features),
                options: new SessionCrossValidationOptions { Seed = 3 });
        return new Fixture(ml, data, Cv("F0", "F1", "F2"), Cv("F0"), Cv("F0", "F1"),
            new[] { Cv("F0"), Cv("F1"), Cv("F2") });
    }

    private static IEstimator<ITransformer> Lbfgs(MLContext ml, string[] features) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Concatenate("Features", features))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    /// <summary>Class c is centred at a distinct point of R^3 with unit noise: learnable, not perfectly.</summary>
    public static List<Utterance> MakeRows(int seed = 7)
    {
        var rng = new Random(seed);
        int[] sizes = { 48, 56, 40, 60 };
        float[][] centres = { new[] { 0f, 0f, 0f }, new[] { 2.5f, 0f, 1f }, new[] { 0f, 2.5f, -1f }, new[] { 2.5f, 2.5f, 2f } };
        var rows = new List<Utterance>();
        for (int s = 1; s <= sizes.Length; s++)
            for (int i = 0; i < sizes[s - 1]; i++)
            {
                int c = i < 4 ? i : rng.Next(4); // every session has every class
                rows.Add(new Utterance
                {
                    Session = $"Session{s}",
                    Speaker = $"Ses0{s}{(i % 2 == 0 ? 'F' : 'M')}",
                    Label = Emotions[c],
                    F0 = centres[c][0] + Gaussian(rng),
                    F1 = centres[c][1] + Gaussian(rng),
                    F2 = centres[c][2] + Gaussian(rng),
                });
            }
        return rows;
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    /// <summary>A report with every part filled: model CV, dataset, baseline, ablation, probes, curves, weights, config, timings, environment.</summary>
    public static EvaluationReport FullReport()
    {
        var dataset = DatasetSummary.FromDataView("Synthetic-4", "/data/synthetic", Data, speakerColumnName: "Speaker");
        var report = EvaluationReport.FromCrossValidation(Model, "Synthetic SER evaluation", "LBFGS max-entropy (3 features)", dataset);
        report.GeneratedAt = new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
        report.SetBaseline("LBFGS on F0 only", Baseline);
        report.AddAblation("without F2", Ablation);
        for (int b = 0; b < Probes.Count; b++) report.AddBlockProbe(b, Probes[b]);
        foreach (var (fold, f) in Model.Folds.Select((x, i) => (x, i)))
            report.AddLearningCurve(fold.TestSession, SyntheticCurve(f));
        report.SetBlockWeights(Model.Folds.Select((_, f) => (IReadOnlyList<double>)SyntheticWeights(f)).ToList(), new[] { 3, 6, 9, 12 });
        report.SetConfiguration("trainer", "LbfgsMaximumEntropy")
              .SetConfiguration("features", new[] { "F0", "F1", "F2" })
              .SetConfiguration("dev_fraction", 0.2)
              .SetConfiguration("seed", 3);
        report.AddTiming("cross-validation", 12.5).AddTiming("report", TimeSpan.FromMilliseconds(850));
        report.Environment = EnvironmentInfo.Capture("cpu", threads: 2);
        return report;
    }

    /// <summary>A plausible curve: loss decays, dev UA rises and saturates; different per fold.</summary>
    public static List<LearningCurvePoint> SyntheticCurve(int fold, int epochs = 12) =>
        Enumerable.Range(1, epochs).Select(e => new LearningCurvePoint(e,
            trainLoss: 1.4 * Math.Exp(-0.25 * e) + 0.2 + 0.02 * fold,
            devLoss: 1.3 * Math.Exp(-0.18 * e) + 0.45 + 0.01 * e + 0.03 * fold,
            devWa: 0.45 + 0.25 * (1 - Math.Exp(-0.3 * e)) - 0.01 * fold,
            devUa: 0.42 + 0.24 * (1 - Math.Exp(-0.3 * e)) - 0.015 * fold)).ToList();

    /// <summary>Softmax-like weights over 4 blocks, summing to 1, varying with the fold.</summary>
    public static double[] SyntheticWeights(int fold)
    {
        double[] logits = { 0.2 + 0.05 * fold, 0.9, 1.3 - 0.1 * fold, 0.6 };
        double z = logits.Sum(Math.Exp);
        return logits.Select(l => Math.Exp(l) / z).ToArray();
    }
}
