namespace Qieemo.ML.Evaluation;

/// <summary>Stage of a cross-validation fold reported through <see cref="SessionCrossValidationOptions.Progress"/>.</summary>
public enum FoldStage
{
    /// <summary>The fold's estimator is being fitted on its training sessions.</summary>
    Training,

    /// <summary>The fitted model is scoring the held-out session (and the dev split).</summary>
    Evaluating,

    /// <summary>The fold is done; <see cref="FoldProgress.Metrics"/> holds its test metrics.</summary>
    Completed,
}

/// <summary>Progress of a leave-one-session-out cross-validation.</summary>
/// <param name="FoldIndex">0-based fold index.</param>
/// <param name="FoldCount">Number of folds (= number of sessions).</param>
/// <param name="TestSession">The session held out in this fold.</param>
/// <param name="Stage">What the fold is doing.</param>
/// <param name="Metrics">Test-session metrics, when <paramref name="Stage"/> is <see cref="FoldStage.Completed"/>.</param>
public sealed record FoldProgress(int FoldIndex, int FoldCount, string TestSession, FoldStage Stage, EmotionMetrics? Metrics = null);
