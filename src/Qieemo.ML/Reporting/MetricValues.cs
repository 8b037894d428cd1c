using System.Text.Json.Serialization;
using Qieemo.ML.Evaluation;

namespace Qieemo.ML.Reporting;

/// <summary>WA, UA and weighted F1 as fractions in [0, 1] (a mean, a std or one fold's values).</summary>
/// <remarks>JSON: <c>{"wa": .., "ua": .., "wf1": ..}</c>; these names are part of the report's fixed contract.</remarks>
public sealed record MetricValues
{
    /// <summary>Creates the triple; each value must be finite.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite (JSON cannot hold it).</exception>
    [JsonConstructor]
    public MetricValues(double wa, double ua, double wf1)
    {
        Wa = ReportValidation.Finite(wa, nameof(wa));
        Ua = ReportValidation.Finite(ua, nameof(ua));
        Wf1 = ReportValidation.Finite(wf1, nameof(wf1));
    }

    /// <summary>Weighted accuracy (overall accuracy).</summary>
    [JsonPropertyName("wa")] public double Wa { get; }

    /// <summary>Unweighted accuracy (mean per-class recall).</summary>
    [JsonPropertyName("ua")] public double Ua { get; }

    /// <summary>Support-weighted F1.</summary>
    [JsonPropertyName("wf1")] public double Wf1 { get; }

    /// <summary>The values of an evaluation <see cref="MetricSummary"/>.</summary>
    public static MetricValues From(MetricSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(summary.WeightedAccuracy, summary.UnweightedAccuracy, summary.WeightedF1);
    }

    /// <summary>WA, UA and WF1 of a set of metrics.</summary>
    public static MetricValues From(EmotionMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new(metrics.WeightedAccuracy, metrics.UnweightedAccuracy, metrics.WeightedF1);
    }
}
