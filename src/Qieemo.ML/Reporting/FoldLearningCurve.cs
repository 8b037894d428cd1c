using System.Text.Json.Serialization;

namespace Qieemo.ML.Reporting;

/// <summary>The learning curve of the model trained in one fold.</summary>
public sealed record FoldLearningCurve
{
    /// <summary>The fold's held-out session.</summary>
    [JsonPropertyName("test_session")] public string TestSession { get; init; } = "";

    /// <summary>Epochs in increasing order.</summary>
    [JsonPropertyName("points")] public List<LearningCurvePoint> Points { get; init; } = new();
}
