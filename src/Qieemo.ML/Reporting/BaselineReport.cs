using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>The classical baseline (e.g. utterance statistics + a linear model) evaluated with the same protocol.</summary>
/// <remarks><c>mean</c> (<c>{"wa","ua","wf1"}</c>) is part of the report's fixed JSON contract.</remarks>
public sealed record BaselineReport
{
    /// <summary>Short description of the baseline.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>Mean over folds of WA/UA/WF1.</summary>
    [JsonPropertyName("mean")] public MetricValues Mean { get; init; } = new(0, 0, 0);

    /// <summary>Sample std over folds, or null when unknown.</summary>
    [JsonPropertyName("std")] public MetricValues? Std { get; init; }

    /// <summary>Per-fold values (<c>test_session</c>, <c>wa</c>, <c>ua</c>, <c>wf1</c>), or empty when unknown.</summary>
    [JsonPropertyName("folds")] public List<BaselineFold> Folds { get; init; } = new();
}

/// <summary>One fold of the baseline.</summary>
/// <param name="TestSession">The held-out session.</param>
/// <param name="Wa">WA on it.</param>
/// <param name="Ua">UA on it.</param>
/// <param name="Wf1">WF1 on it.</param>
public sealed record BaselineFold(
    [property: JsonPropertyName("test_session")] string TestSession,
    [property: JsonPropertyName("wa")] double Wa,
    [property: JsonPropertyName("ua")] double Ua,
    [property: JsonPropertyName("wf1")] double Wf1);
