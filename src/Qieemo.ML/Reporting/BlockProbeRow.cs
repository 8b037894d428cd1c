using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>
/// A probe of one encoder block (a classifier on that block's features alone), cross-validated: the
/// per-block table of the Qieemo paper (Table I) that motivates which blocks the MMF fuses.
/// </summary>
/// <param name="Block">Encoder block index (0-based).</param>
/// <param name="Mean">Mean over folds of WA/UA/WF1.</param>
/// <param name="Std">Sample std over folds.</param>
public sealed record BlockProbeRow(
    [property: JsonPropertyName("block")] int Block,
    [property: JsonPropertyName("mean")] MetricValues Mean,
    [property: JsonPropertyName("std")] MetricValues Std);
