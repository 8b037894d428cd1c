using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>One ablation (a model variant with a part removed or changed) and its cross-validated scores.</summary>
/// <param name="Name">What was changed, e.g. "without CMA".</param>
/// <param name="Mean">Mean over folds of WA/UA/WF1.</param>
/// <param name="Std">Sample std over folds, or null.</param>
public sealed record AblationRow(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("mean")] MetricValues Mean,
    [property: JsonPropertyName("std")] MetricValues? Std = null);
