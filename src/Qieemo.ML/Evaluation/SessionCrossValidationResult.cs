using System.Text;
using System.Text.Json;

namespace Qieemo.ML.Evaluation;

/// <summary>WA, UA and weighted F1 (fractions in [0, 1]); used for means and standard deviations over folds.</summary>
/// <param name="WeightedAccuracy">WA.</param>
/// <param name="UnweightedAccuracy">UA.</param>
/// <param name="WeightedF1">WF1.</param>
public sealed record MetricSummary(double WeightedAccuracy, double UnweightedAccuracy, double WeightedF1);

/// <summary>Result of a leave-one-session-out cross-validation.</summary>
/// <remarks>
/// <see cref="Std"/> is the <em>sample</em> standard deviation over folds (ddof = 1, numpy
/// <c>std(ddof=1)</c>), which estimates the spread of the per-session score; many SER papers report the
/// population value instead, available as <see cref="PopulationStd"/> (ddof = 0, numpy's default).
/// <see cref="Pooled"/> scores all folds' predictions together (= metrics of <see cref="ConfusionMatrix"/>),
/// which weights sessions by their size, unlike <see cref="Mean"/>.
/// </remarks>
public sealed class SessionCrossValidationResult
{
    private readonly long[,] _confusion;

    internal SessionCrossValidationResult(IReadOnlyList<string> classNames, IReadOnlyList<SessionFoldResult> folds)
    {
        ClassNames = classNames;
        Folds = folds;
        int k = classNames.Count;
        _confusion = new long[k, k];
        foreach (var fold in folds)
            for (int t = 0; t < k; t++)
                for (int p = 0; p < k; p++)
                    _confusion[t, p] += fold.Metrics.Confusion(t, p);
        Pooled = EmotionMetrics.FromConfusionMatrix(_confusion, classNames);

        Mean = Summarize(folds, v => v.Average());
        Std = Summarize(folds, v => StandardDeviation(v, ddof: 1));
        PopulationStd = Summarize(folds, v => StandardDeviation(v, ddof: 0));
    }

    /// <summary>Class names shared by every fold's metrics (the label column's classes of the whole data).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>One result per session, ordered by session name (ordinal).</summary>
    public IReadOnlyList<SessionFoldResult> Folds { get; }

    /// <summary>Mean over folds of the per-fold WA, UA and WF1.</summary>
    public MetricSummary Mean { get; }

    /// <summary>Sample standard deviation (ddof = 1) over folds of WA, UA and WF1.</summary>
    public MetricSummary Std { get; }

    /// <summary>Population standard deviation (ddof = 0) over folds of WA, UA and WF1.</summary>
    public MetricSummary PopulationStd { get; }

    /// <summary>The confusion matrices of all folds summed, [true class, predicted class] (a copy).</summary>
    public long[,] ConfusionMatrix => (long[,])_confusion.Clone();

    /// <summary>Metrics of all folds' test predictions pooled together.</summary>
    public EmotionMetrics Pooled { get; }

    /// <summary>
    /// The per-fold and summary numbers as JSON:
    /// <c>{"folds": [{"test_session": ..., "wa": ..., "ua": ..., "wf1": ...}, ...], "mean": {"wa", "ua", "wf1"}, "std": {"wa", "ua", "wf1"}}</c>,
    /// fractions in [0, 1], std = sample std (<see cref="Std"/>).
    /// </summary>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteStartArray("folds");
            foreach (var f in Folds)
            {
                w.WriteStartObject();
                w.WriteString("test_session", f.TestSession);
                WriteMetrics(w, f.Metrics.WeightedAccuracy, f.Metrics.UnweightedAccuracy, f.Metrics.WeightedF1);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("mean");
            WriteMetrics(w, Mean.WeightedAccuracy, Mean.UnweightedAccuracy, Mean.WeightedF1);
            w.WriteEndObject();
            w.WriteStartObject("std");
            WriteMetrics(w, Std.WeightedAccuracy, Std.UnweightedAccuracy, Std.WeightedF1);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteMetrics(Utf8JsonWriter w, double wa, double ua, double wf1)
    {
        w.WriteNumber("wa", wa);
        w.WriteNumber("ua", ua);
        w.WriteNumber("wf1", wf1);
    }

    private static MetricSummary Summarize(IReadOnlyList<SessionFoldResult> folds, Func<double[], double> reduce) => new(
        reduce(folds.Select(f => f.Metrics.WeightedAccuracy).ToArray()),
        reduce(folds.Select(f => f.Metrics.UnweightedAccuracy).ToArray()),
        reduce(folds.Select(f => f.Metrics.WeightedF1).ToArray()));

    private static double StandardDeviation(double[] values, int ddof)
    {
        // Two-pass like numpy: mean first, then the squared deviations.
        double mean = values.Average();
        double ss = 0;
        foreach (double v in values) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (values.Length - ddof));
    }
}
