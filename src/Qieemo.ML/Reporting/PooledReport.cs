using System.Text.Json.Serialization;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>Metrics of all folds' test predictions pooled together (= metrics of the summed confusion matrix).</summary>
public sealed record PooledReport
{
    /// <summary>Number of test predictions over all folds.</summary>
    [JsonPropertyName("count")] public long Count { get; init; }

    /// <summary>Pooled WA.</summary>
    [JsonPropertyName("wa")] public double Wa { get; init; }

    /// <summary>Pooled UA.</summary>
    [JsonPropertyName("ua")] public double Ua { get; init; }

    /// <summary>Pooled weighted F1.</summary>
    [JsonPropertyName("wf1")] public double Wf1 { get; init; }

    /// <summary>Pooled macro F1 (all classes).</summary>
    [JsonPropertyName("macro_f1")] public double MacroF1 { get; init; }

    /// <summary>Pooled per-class precision/recall/F1/support, in class order.</summary>
    [JsonPropertyName("per_class")] public List<ClassReport> PerClass { get; init; } = new();

    /// <summary>The pooled metrics of a cross-validation.</summary>
    public static PooledReport From(EmotionMetrics pooled)
    {
        ArgumentNullException.ThrowIfNull(pooled);
        return new PooledReport
        {
            Count = pooled.Count,
            Wa = pooled.WeightedAccuracy,
            Ua = pooled.UnweightedAccuracy,
            Wf1 = pooled.WeightedF1,
            MacroF1 = pooled.MacroF1,
            PerClass = ClassReport.ListFrom(pooled),
        };
    }
}
