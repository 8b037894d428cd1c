using System.Text.Json.Serialization;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>One leave-one-session-out fold of the model: held-out session, metrics, split sizes, per-class table and confusion matrix.</summary>
/// <remarks><c>test_session</c>, <c>wa</c>, <c>ua</c> and <c>wf1</c> are part of the report's fixed JSON contract.</remarks>
public sealed record FoldReport
{
    /// <summary>The held-out session.</summary>
    [JsonPropertyName("test_session")] public string TestSession { get; init; } = "";

    /// <summary>WA on the held-out session, in [0, 1].</summary>
    [JsonPropertyName("wa")] public double Wa { get; init; }

    /// <summary>UA on the held-out session, in [0, 1].</summary>
    [JsonPropertyName("ua")] public double Ua { get; init; }

    /// <summary>Weighted F1 on the held-out session, in [0, 1].</summary>
    [JsonPropertyName("wf1")] public double Wf1 { get; init; }

    /// <summary>Sessions the model was trained on.</summary>
    [JsonPropertyName("train_sessions")] public List<string> TrainSessions { get; init; } = new();

    /// <summary>Rows the model was fitted on.</summary>
    [JsonPropertyName("train_count")] public long TrainCount { get; init; }

    /// <summary>Dev-split rows (0 without a dev split).</summary>
    [JsonPropertyName("dev_count")] public long DevCount { get; init; }

    /// <summary>Rows of the held-out session.</summary>
    [JsonPropertyName("test_count")] public long TestCount { get; init; }

    /// <summary>WA/UA/WF1 on the dev split, or null without one.</summary>
    [JsonPropertyName("dev")] public MetricValues? Dev { get; init; }

    /// <summary>Per-class precision/recall/F1/support on the held-out session, in class order.</summary>
    [JsonPropertyName("per_class")] public List<ClassReport> PerClass { get; init; } = new();

    /// <summary>Confusion matrix of the held-out session, [true class][predicted class], in class order.</summary>
    [JsonPropertyName("confusion_matrix")] public long[][] ConfusionMatrix { get; init; } = Array.Empty<long[]>();

    /// <summary>The report row of an evaluated fold.</summary>
    public static FoldReport From(SessionFoldResult fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        var m = fold.Metrics;
        return new FoldReport
        {
            TestSession = fold.TestSession,
            Wa = m.WeightedAccuracy,
            Ua = m.UnweightedAccuracy,
            Wf1 = m.WeightedF1,
            TrainSessions = fold.TrainSessions.ToList(),
            TrainCount = fold.TrainCount,
            DevCount = fold.DevCount,
            TestCount = fold.TestCount,
            Dev = fold.DevMetrics == null ? null : MetricValues.From(fold.DevMetrics),
            PerClass = ClassReport.ListFrom(m),
            ConfusionMatrix = ReportMatrix.ToJagged(m.ConfusionMatrix),
        };
    }
}
