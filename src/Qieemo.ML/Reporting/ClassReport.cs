using System.Text.Json.Serialization;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>Precision, recall, F1 and support of one class (sklearn <c>zero_division=0</c> semantics, as <see cref="ClassMetrics"/>).</summary>
public sealed record ClassReport
{
    /// <summary>Class name.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>TP / (TP + FP).</summary>
    [JsonPropertyName("precision")] public double Precision { get; init; }

    /// <summary>TP / (TP + FN).</summary>
    [JsonPropertyName("recall")] public double Recall { get; init; }

    /// <summary>Harmonic mean of precision and recall.</summary>
    [JsonPropertyName("f1")] public double F1 { get; init; }

    /// <summary>Number of utterances whose true class is this one.</summary>
    [JsonPropertyName("support")] public long Support { get; init; }

    /// <summary>Number of utterances predicted as this class.</summary>
    [JsonPropertyName("predicted")] public long Predicted { get; init; }

    /// <summary>The per-class rows of a set of metrics, in class order.</summary>
    public static List<ClassReport> ListFrom(EmotionMetrics metrics) => metrics.PerClass
        .Select(c => new ClassReport { Name = c.Name, Precision = c.Precision, Recall = c.Recall, F1 = c.F1, Support = c.Support, Predicted = c.PredictedCount })
        .ToList();
}
