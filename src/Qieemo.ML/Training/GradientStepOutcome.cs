namespace Qieemo.ML.Training;

/// <summary>What <see cref="GradientAccumulator"/> did after one micro-batch.</summary>
/// <param name="UpdateAttempted">true when this micro-batch completed an accumulation window (an optimizer update was due).</param>
/// <param name="Skipped">true when that update was skipped because the gradient norm was NaN or ∞.</param>
/// <param name="GradNorm">Total gradient norm before clipping of the window (NaN when no update was due).</param>
public readonly record struct GradientStepOutcome(bool UpdateAttempted, bool Skipped, double GradNorm)
{
    /// <summary>The optimizer changed the parameters.</summary>
    public bool Updated => UpdateAttempted && !Skipped;
}
